#!/usr/bin/python3
# test-gui-a11y.py AUDIENCES_BINARY
#
# Copyright 2026 The Audiences authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The window as assistive technologies see it, over AT-SPI: the main
# controls are found by their accessible names, every button has a name,
# and the main menu offers its items. Runs in a D-Bus session of its own on
# a private display (run-under-xvfb.sh) and starts the accessibility bus
# itself. The application opens its demo workspace, made small through
# AUD_DEMO_CUSTOMERS/AUD_DEMO_EVENTS in a temporary data folder.

import os
import subprocess
import sys
import tempfile
import time

import pyatspi

TIMEOUT = 60

# Roles whose objects must have a name a screen reader can say.
NAMED_ROLES = {
    pyatspi.ROLE_PUSH_BUTTON,
    pyatspi.ROLE_TOGGLE_BUTTON,
    pyatspi.ROLE_CHECK_BOX,
    pyatspi.ROLE_RADIO_BUTTON,
    pyatspi.ROLE_MENU_ITEM,
    pyatspi.ROLE_CHECK_MENU_ITEM,
    pyatspi.ROLE_RADIO_MENU_ITEM,
    pyatspi.ROLE_PROGRESS_BAR,
    pyatspi.ROLE_LEVEL_BAR,
}

failures = []


def check(condition, message):
    if condition:
        print("ok -", message)
    else:
        print("not ok -", message)
        failures.append(message)


def walk(node, depth=0):
    """Every accessible below node, depth first."""
    if node is None or depth > 60:
        return
    yield node
    try:
        children = list(node)
    except Exception:
        return
    for child in children:
        yield from walk(child, depth + 1)


def find_app(pid):
    desktop = pyatspi.Registry.getDesktop(0)
    for app in desktop:
        try:
            if app is not None and app.get_process_id() == pid:
                return app
        except Exception:
            continue
    return None


def find(root, predicate):
    return [node for node in walk(root) if predicate(node)]


def wait_for(what, function):
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        result = function()
        if result:
            return result
        time.sleep(0.25)
    print("Bail out! timed out waiting for", what)
    sys.exit(1)


def labels_in(node):
    """The texts of the labels below node (GTK names a label by its text)."""
    return [n.name for n in walk(node) if n.getRole() == pyatspi.ROLE_LABEL]


def main():
    binary = sys.argv[1]

    bus = subprocess.Popen(["/usr/libexec/at-spi-bus-launcher", "--launch-immediately"])
    data_home = tempfile.TemporaryDirectory()
    env = dict(os.environ)
    env.pop("GTK_A11Y", None)
    env.update({
        "XDG_DATA_HOME": data_home.name,
        "AUD_DEMO_CUSTOMERS": "300",
        "AUD_DEMO_EVENTS": "4000",
        "GSETTINGS_BACKEND": "memory",
    })
    app_process = None

    try:
        # The registry answers once the bus is up.
        wait_for("the accessibility bus",
                 lambda: pyatspi.Registry.getDesktop(0) is not None)

        app_process = subprocess.Popen([binary], env=env)
        app = wait_for("the application", lambda: find_app(app_process.pid))

        # The demo workspace is made and shown.
        window = wait_for("the demo workspace window", lambda: next(
            (w for w in app if w is not None and w.name == "Demo Workspace"), None))
        check(window.getRole() == pyatspi.ROLE_FRAME, "the main window is a frame")

        # The cards are groups named after what they count.
        customers = find(window, lambda n: n.name == "Customers" and n.getRole() == pyatspi.ROLE_PANEL)
        check(len(customers) == 1 and "300" in labels_in(customers[0]),
              "the Customers card says 300")
        events = find(window, lambda n: n.name == "Events" and n.getRole() == pyatspi.ROLE_PANEL)
        check(len(events) == 1 and "4,000" in labels_in(events[0]), "the Events card says 4,000")
        subtitles = find(window, lambda n: n.name == "300 customers · 4,000 events")
        check(len(subtitles) == 1, "the header says 300 customers · 4,000 events")

        fields = find(window, lambda n: n.name == "Customer Fields" and n.getRole() == pyatspi.ROLE_LIST)
        items = [n.name for n in fields[0]] if fields else []
        check("email" in items and "loyalty_points" in items,
              "the customer fields are a list of named items")

        pages = find(window, lambda n: n.name == "Workspace Pages" and n.getRole() == pyatspi.ROLE_LIST)
        check(len(pages) == 1 and [n.name for n in pages[0]][:3] == ["Overview", "Customers", "Events"],
              "the sidebar lists the workspace pages by name")

        menu_buttons = find(window, lambda n: n.name == "Main Menu")
        check(len(menu_buttons) >= 1, "the main menu button is named")

        # Every page of the window, shown or not: a name, without mnemonic
        # underscores.
        badly_named = [
            "%s %r" % (n.getRoleName(), n.name)
            for n in walk(window)
            if n.getRole() in NAMED_ROLES and (
                not n.name or (n.getRole() == pyatspi.ROLE_PUSH_BUTTON and "_" in n.name))
        ]
        check(not badly_named, "every button and bar has a clean name %s" % badly_named)
        for name in ["Cancel", "Open Workspace…", "New Workspace…", "Import…"]:
            check(len(find(window, lambda n: n.name == name
                           and n.getRole() == pyatspi.ROLE_PUSH_BUTTON)) == 1,
                  "the %s button is found by its name" % name)

        level_bars = find(window, lambda n: n.getRole() == pyatspi.ROLE_LEVEL_BAR)
        check(len(level_bars) > 0 and all(n.name.startswith("Share of") for n in level_bars),
              "the event share bars say what they show")

        # Open the main menu and read its items. The menu button holds the
        # toggle button that has the action.
        button = next(n for n in menu_buttons if n.queryAction().nActions > 0)
        button.queryAction().doAction(0)

        def menu_items():
            names = {n.name for n in walk(app)
                     if n.getRole() in (pyatspi.ROLE_MENU_ITEM, pyatspi.ROLE_PUSH_BUTTON)}
            wanted = {"New Workspace…", "Open Workspace…", "Keyboard Shortcuts",
                      "About Audiences"}
            return wanted if wanted <= names else None

        check(wait_for("the main menu items", menu_items) is not None,
              "the main menu offers New, Open, Keyboard Shortcuts and About")
    finally:
        if app_process is not None:
            app_process.terminate()
            app_process.wait(10)
        bus.terminate()
        bus.wait(10)
        data_home.cleanup()

    if failures:
        print("# %d check(s) failed" % len(failures))
        sys.exit(1)


if __name__ == "__main__":
    main()
