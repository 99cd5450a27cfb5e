#!/usr/bin/python3
# test-atspi-builder.py BUILDER_HOST
#
# Copyright 2026 The Audiences authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The segment builder as assistive technologies see it, over AT-SPI: a
# criterion is added through the "Add Criterion" menu, its value ticked,
# and the count is read from the page by accessible names and checked
# against audiences-cli; Undo brings the count back. Every button and check
# box has a name. Runs in a D-Bus session of its own on a private display
# (run-under-xvfb.sh) and starts the accessibility bus itself. The
# workspace is a small demo made with audiences-cli ($AUD_CLI).

import json
import os
import re
import subprocess
import sys
import tempfile
import time

import pyatspi

TIMEOUT = 60

NAMED_ROLES = {
    pyatspi.ROLE_PUSH_BUTTON,
    pyatspi.ROLE_TOGGLE_BUTTON,
    pyatspi.ROLE_CHECK_BOX,
    pyatspi.ROLE_RADIO_BUTTON,
    pyatspi.ROLE_LEVEL_BAR,
    pyatspi.ROLE_ENTRY,
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
    if node is None or depth > 80:
        return
    yield node
    try:
        children = list(node)
    except Exception:
        return
    for child in children:
        yield from walk(child, depth + 1)


def find_app(pid):
    for app in pyatspi.Registry.getDesktop(0):
        try:
            if app is not None and app.get_process_id() == pid:
                return app
        except Exception:
            continue
    return None


def find(root, predicate):
    found = []
    for node in walk(root):
        try:
            if predicate(node):
                found.append(node)
        except Exception:
            continue
    return found


def wait_for(what, function):
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        try:
            result = function()
        except Exception:
            result = None
        if result:
            return result
        time.sleep(0.25)
    print("Bail out! timed out waiting for", what)
    sys.exit(1)


def text_of(node):
    """A label's text (GTK names a label by its text)."""
    try:
        text = node.queryText()
        return text.getText(0, text.characterCount) or node.name
    except Exception:
        return node.name


def shown_count(window):
    """The count in the panel named Audience: its label that is a number."""
    panels = find(window, lambda n: n.name == "Audience" and n.getRole() == pyatspi.ROLE_PANEL)
    if not panels:
        return None
    for node in walk(panels[0]):
        if node.getRole() == pyatspi.ROLE_LABEL and re.fullmatch(r"[0-9][0-9,.\u202f ]*", text_of(node)):
            return text_of(node)
    return None


def busy(window):
    """Whether the count is being worked out (the spinner named Counting)."""
    return any(n.getState().contains(pyatspi.STATE_SHOWING)
               for n in find(window, lambda n: n.name == "Counting"))


def settled_count(window):
    count = shown_count(window)
    return count if count is not None and not busy(window) else None


def cli_count(cli, workspace, definition, folder):
    path = os.path.join(folder, "segment.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(definition, f)
    out = subprocess.run([cli, "count", workspace, path], check=True, capture_output=True,
                         text=True, env=dict(os.environ, LC_ALL="C.UTF-8")).stdout
    return int(re.sub(r"\D", "", out.split()[0]))


def click(node):
    action = node.queryAction()
    for i in range(action.nActions):
        if action.getName(i) in ("click", "toggle", "activate", "press"):
            action.doAction(i)
            return
    action.doAction(0)


def main():
    host = sys.argv[1]
    cli = os.environ["AUD_CLI"]

    folder = tempfile.TemporaryDirectory()
    workspace = os.path.join(folder.name, "demo.audiences")
    subprocess.run([cli, "demo", "--customers", "2000", "--events", "30000",
                    "--now", "2025-01-01", "--workspace", workspace,
                    os.path.join(folder.name, "csv")],
                   check=True, capture_output=True)

    bus = subprocess.Popen(["/usr/libexec/at-spi-bus-launcher", "--launch-immediately"])
    env = dict(os.environ)
    env.pop("GTK_A11Y", None)
    env["GSETTINGS_BACKEND"] = "memory"
    host_process = None

    try:
        wait_for("the accessibility bus", lambda: pyatspi.Registry.getDesktop(0) is not None)

        host_process = subprocess.Popen([host, workspace, "Test"], env=env)
        app = wait_for("the application", lambda: find_app(host_process.pid))
        window = wait_for("the builder window", lambda: next(
            (w for w in app if w is not None and w.name == "Segment Builder"), None))

        # Nothing in the segment yet: everyone.
        check(wait_for("the first count", lambda: settled_count(window)) == "2,000",
              "the count of an empty segment is all 2,000 customers")

        for name in ["Undo", "Redo", "Save", "Show JSON", "Add Criterion", "Add Group",
                     "New Segment", "Group: All of these", "New Sample", "Explain"]:
            check(len(find(window, lambda n: n.name == name
                           and n.getRole() == pyatspi.ROLE_PUSH_BUTTON)) >= 1,
                  "the %s button is found by its name" % name)

        # Add Criterion, search "Country", Enter.
        add = next(n for n in find(window, lambda n: n.name == "Add Criterion"
                                   and n.getRole() == pyatspi.ROLE_PUSH_BUTTON)
                   if n.queryAction().nActions > 0)
        click(add)
        search = wait_for("the criteria search", lambda: next(
            (n for n in walk(app) if n.name == "Search criteria"
             and n.getRole() == pyatspi.ROLE_ENTRY), None))
        choices = find(app, lambda n: n.getRole() == pyatspi.ROLE_LIST_ITEM
                       and n.name in ("Country, Category", "Did purchase", "Near a place",
                                      "Random holdout group (10 %)", "Used a feature"))
        check(len(choices) == 5,
              "Add Criterion offers fields, events, product use, places and holdouts by name")
        search.queryEditableText().setTextContents("Country")
        # The entry filters the list once typing pauses (GtkSearchEntry
        # waits 150 ms); Enter, typed in it, then picks the first choice
        # left. (GTK 4.8's "activate" action of a search entry does not
        # reach its ::activate.)
        time.sleep(1.0)
        pyatspi.Registry.generateKeyboardEvent(0xff0d, None, pyatspi.KEY_SYM)

        # The values of the field, with their check boxes; typing a value
        # and Enter ticks it (GTK 4.8 gives check boxes no action and no
        # focus over AT-SPI, so the keyboard way it is).
        wait_for("the value DE", lambda: next(
            (n for n in walk(app) if n.name == "DE" and n.getRole() == pyatspi.ROLE_CHECK_BOX),
            None))
        values = next(n for n in walk(app) if n.name == "Country"
                      and n.getRole() == pyatspi.ROLE_ENTRY)
        values.queryEditableText().setTextContents("DE")
        time.sleep(1.0)
        pyatspi.Registry.generateKeyboardEvent(0xff0d, None, pyatspi.KEY_SYM)
        check(wait_for("DE ticked", lambda: next(
            (n for n in walk(app) if n.name == "DE" and n.getRole() == pyatspi.ROLE_CHECK_BOX
             and n.getState().contains(pyatspi.STATE_CHECKED)), None)) is not None,
              "the value DE is ticked")

        expected = cli_count(cli, workspace,
                             {"match": {"field": "country", "op": "in", "value": ["DE"]}},
                             folder.name)
        expected_text = "{:,}".format(expected)
        check(wait_for("the count of DE", lambda: settled_count(window) == expected_text
                       and expected_text) == expected_text,
              "the count shown is audiences-cli's count, %s" % expected_text)

        rows = find(window, lambda n: n.getRole() == pyatspi.ROLE_LIST_ITEM
                    and n.name == "Country is one of DE")
        check(len(rows) == 1, "the criterion reads as a sentence: Country is one of DE")

        # Undo: the tick first (no country ticked matches no one), then the
        # criterion (everyone).
        undo = next(n for n in find(window, lambda n: n.name == "Undo"
                                    and n.getRole() == pyatspi.ROLE_PUSH_BUTTON))
        click(undo)
        check(wait_for("the count after one Undo", lambda: settled_count(window) == "0"
                       and "0") == "0",
              "Undo takes the tick back: the count is 0")
        click(undo)
        check(wait_for("the count after two Undos", lambda: settled_count(window) == "2,000"
                       and "2,000") == "2,000",
              "Undo takes the criterion back: the count is 2,000")

        badly_named = [
            "%s %r" % (n.getRoleName(), n.name)
            for n in walk(app)
            if n.getRole() in NAMED_ROLES and not n.name
        ]
        check(not badly_named, "every button, check box, entry and bar has a name %s"
              % badly_named)
    finally:
        if host_process is not None:
            host_process.terminate()
            host_process.wait(10)
        bus.terminate()
        bus.wait(10)
        folder.cleanup()

    if failures:
        print("# %d check(s) failed" % len(failures))
        sys.exit(1)


if __name__ == "__main__":
    main()
