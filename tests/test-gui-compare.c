/* test-gui-compare.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Compare page and the Export dialog over a demo workspace of 2,000
 * customers: what they show must be what the engine counts, and what the
 * dialog writes must be the segment. Needs a display (the test suite runs
 * it under Xvfb).
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "aud-breakdown-view.h"
#include "aud-compare-page.h"
#include "aud-demo-workspace.h"
#include "aud-export-dialog.h"
#include "aud-format.h"
#include "aud-overlap-matrix.h"
#include "aud-venn-view.h"
#include "gui-test-init.h"

#define N_CUSTOMERS 2000

/* The demo workspace, made once in a folder of its own; its saved
 * segments. */
static char *workspace_dir;
static char *workspace;

static const struct
{
  const char *name;
  const char *json;
} saved[] = {
  { "Newsletter", "{\"match\": {\"field\": \"email_opt_in\", \"op\": \"is_true\"}}" },
  { "Pro", "{\"match\": {\"field\": \"plan\", \"op\": \"in\", \"value\": [\"pro\", \"business\"]}}" },
  { "Mobile", "{\"match\": {\"field\": \"last_device\", \"op\": \"in\", "
              "\"value\": [\"ios\", \"android\"]}}" },
  { "Enterprise", "{\"match\": {\"field\": \"plan\", \"op\": \"eq\", \"value\": \"enterprise\"}}" },
};

static AudStore *
open_store (void)
{
  g_autoptr(GError) error = NULL;
  AudStore *store = aud_store_open (workspace, AUD_STORE_OPEN_DEFAULT, &error);

  g_assert_no_error (error);
  return store;
}

static void
make_workspace (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AudStore) store = NULL;

  g_setenv ("AUD_DEMO_CUSTOMERS", G_STRINGIFY (N_CUSTOMERS), TRUE);
  g_setenv ("AUD_DEMO_EVENTS", "10000", TRUE);
  workspace_dir = g_dir_make_tmp ("aud-compare-XXXXXX", &error);
  g_assert_no_error (error);
  workspace = g_build_filename (workspace_dir, "demo.audiences", NULL);
  g_assert_true (aud_demo_workspace_create (workspace, NULL, NULL, &error));
  g_assert_no_error (error);

  store = open_store ();
  g_assert_cmpint (aud_store_count_customers (store), ==, N_CUSTOMERS);
  for (guint i = 0; i < G_N_ELEMENTS (saved); i++)
    {
      g_autoptr(AudSegment) segment = aud_segment_parse (saved[i].json, -1, &error);

      g_assert_no_error (error);
      segment->name = g_strdup (saved[i].name);
      g_assert_true (aud_segment_save (store, segment, FALSE, &error));
      g_assert_no_error (error);
    }
}

/* What the engine counts, on a connection of the test's own. */
static AudOverlap *
engine_overlap (const char * const *names)
{
  g_autoptr(AudStore) store = open_store ();
  g_autoptr(AudEngine) engine = aud_engine_new ();
  g_autoptr(GPtrArray) segments = g_ptr_array_new_with_free_func ((GDestroyNotify)aud_segment_free);
  g_autoptr(GError) error = NULL;
  AudOverlap *overlap;

  for (guint i = 0; names[i] != NULL; i++)
    g_ptr_array_add (segments, aud_segment_lookup (store, names[i], &error));
  g_assert_no_error (error);

  overlap = aud_engine_overlap (engine, store, (AudSegment * const *)segments->pdata,
                                segments->len, aud_engine_get_default_now (store), NULL, &error);
  g_assert_no_error (error);

  return overlap;
}

static gint64
engine_count (const char *name)
{
  g_autoptr(AudStore) store = open_store ();
  g_autoptr(AudEngine) engine = aud_engine_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(AudSegment) segment = aud_segment_lookup (store, name, &error);
  AudCount count;

  g_assert_no_error (error);
  g_assert_true (aud_engine_count (engine, store, segment, aud_engine_get_default_now (store),
                                   &count, NULL, &error));
  g_assert_no_error (error);

  return count.count;
}

static void
iterate (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static gpointer
child (AudComparePage *page,
       const char     *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (page), AUD_TYPE_COMPARE_PAGE, name);

  g_assert_nonnull (object);
  return object;
}

static void
wait_page (AudComparePage *page)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  do
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  while (aud_compare_page_get_busy (page));
  iterate ();
}

/* A window holding the page (in a toast overlay, as the main window
 * does), showing @names. */
static AudComparePage *
open_page (GtkWindow          **window_out,
           const char * const  *names)
{
  GtkWidget *window = adw_window_new ();
  GtkWidget *overlay = adw_toast_overlay_new ();
  AudComparePage *page = aud_compare_page_new ();

  gtk_window_set_default_size (GTK_WINDOW (window), 1400, 900);
  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (overlay), GTK_WIDGET (page));
  adw_window_set_content (ADW_WINDOW (window), overlay);
  gtk_window_present (GTK_WINDOW (window));

  aud_compare_page_set_workspace (page, workspace);
  aud_compare_page_set_selection (page, names);
  wait_page (page);

  *window_out = GTK_WINDOW (window);
  return page;
}

/* The rows of a list box. */
static GPtrArray *
list_rows (GtkListBox *list)
{
  GPtrArray *rows = g_ptr_array_new ();

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (GTK_IS_LIST_BOX_ROW (row))
      g_ptr_array_add (rows, row);

  return rows;
}

static AdwActionRow *
region_row (AudComparePage *page,
            guint           mask)
{
  g_autoptr(GPtrArray) rows = list_rows (child (page, "region_list"));

  for (guint i = 0; i < rows->len; i++)
    if (GPOINTER_TO_UINT (g_object_get_data (rows->pdata[i], "region-mask")) == mask)
      return rows->pdata[i];

  g_assert_not_reached ();
}

/* Checks that the diagram, the region list and the matrix show @expected. */
static void
check_shown (AudComparePage   *page,
             const AudOverlap *expected)
{
  AudVennView *venn = child (page, "venn_view");
  AudOverlapMatrix *matrix = child (page, "overlap_matrix");
  g_autoptr(GPtrArray) rows = list_rows (child (page, "region_list"));

  g_assert_cmpstr (gtk_stack_get_visible_child_name (child (page, "venn_stack")), ==, "content");
  g_assert_cmpuint (aud_venn_view_get_n_sets (venn), ==, expected->n);
  /* Every region, and the union. */
  g_assert_cmpuint (rows->len, ==, (1u << expected->n));

  for (guint mask = 1; mask < (1u << expected->n); mask++)
    {
      g_autofree char *count = aud_format_count (expected->regions[mask]);
      const char *subtitle = adw_action_row_get_subtitle (region_row (page, mask));
      graphene_point_t point;

      g_assert_cmpint (aud_venn_view_get_region_count (venn, mask), ==, expected->regions[mask]);
      g_assert_true (g_str_has_prefix (subtitle, count));
      g_assert_true (subtitle[strlen (count)] == ' ');
      if (expected->regions[mask] > 0)
        g_assert_true (aud_venn_view_get_region_point (venn, mask, &point));
    }

  {
    g_autofree char *count = aud_format_count (expected->union_count);

    g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (region_row (page, 0)), count));
  }

  for (guint i = 0; i < expected->n; i++)
    for (guint j = 0; j < expected->n; j++)
      {
        g_autofree char *count = aud_format_count (expected->matrix[i * expected->n + j]);
        GtkLabel *cell = aud_overlap_matrix_get_cell (matrix, i, j);

        g_assert_nonnull (strstr (gtk_label_get_label (cell), count));
      }
}

static void
test_compare_two (void)
{
  const char *names[] = { "Newsletter", "Pro", NULL };
  g_autoptr(AudOverlap) expected = engine_overlap (names);
  GtkWindow *window;
  AudComparePage *page = open_page (&window, names);

  /* Not trivially the same numbers. */
  g_assert_cmpint (expected->regions[1], >, 0);
  g_assert_cmpint (expected->regions[2], >, 0);
  g_assert_cmpint (expected->regions[3], >, 0);
  g_assert_cmpint (expected->regions[1], !=, expected->regions[3]);

  check_shown (page, expected);
  g_assert_cmpint (aud_compare_page_get_overlap (page)->regions[3], ==, expected->regions[3]);

  gtk_window_destroy (window);
  iterate ();
}

static void
test_compare_three (void)
{
  const char *names[] = { "Newsletter", "Pro", "Mobile", NULL };
  g_autoptr(AudOverlap) expected = engine_overlap (names);
  GtkWindow *window;
  AudComparePage *page = open_page (&window, names);
  AudVennView *venn = child (page, "venn_view");

  check_shown (page, expected);

  /* Picking a region in the list picks it in the diagram, and the other
   * way round. */
  g_signal_emit_by_name (child (page, "region_list"), "row-activated", region_row (page, 5));
  g_assert_cmpuint (aud_venn_view_get_selected_region (venn), ==, 5);
  aud_venn_view_set_selected_region (venn, 6);
  g_assert_true (gtk_list_box_get_selected_row (child (page, "region_list")) ==
                 GTK_LIST_BOX_ROW (region_row (page, 6)));

  /* Four segments: no diagram, but a matrix. */
  {
    const char *four[] = { "Newsletter", "Pro", "Mobile", "Enterprise", NULL };

    aud_compare_page_set_selection (page, four);
    wait_page (page);
    g_assert_cmpstr (gtk_stack_get_visible_child_name (child (page, "venn_stack")), ==,
                     "status");
    g_assert_cmpstr (gtk_stack_get_visible_child_name (child (page, "matrix_stack")), ==,
                     "content");
  }

  gtk_window_destroy (window);
  iterate ();
}

/* The message dialog shown for @window; NULL when there is none. */
static AdwMessageDialog *
find_dialog (GtkWindow *window)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (toplevel) && gtk_window_get_transient_for (toplevel) == window &&
          gtk_widget_get_visible (GTK_WIDGET (toplevel)))
        return ADW_MESSAGE_DIALOG (toplevel);
    }

  return NULL;
}

/* The first button inside @widget, depth first. */
static GtkWidget *
find_button (GtkWidget *widget)
{
  if (GTK_IS_BUTTON (widget))
    return widget;

  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *button = find_button (c);

      if (button != NULL)
        return button;
    }

  return NULL;
}

static void
on_segment_saved_cb (AudComparePage  *page,
                     const char      *name,
                     char           **saved_name)
{
  g_free (*saved_name);
  *saved_name = g_strdup (name);
}

static void
test_compare_save_region (void)
{
  const char *names[] = { "Newsletter", "Pro", NULL };
  g_autoptr(AudOverlap) expected = engine_overlap (names);
  g_autofree char *saved_name = NULL;
  GtkWindow *window;
  AudComparePage *page = open_page (&window, names);
  AdwMessageDialog *dialog;
  GtkWidget *button;

  g_signal_connect (page, "segment-saved", G_CALLBACK (on_segment_saved_cb), &saved_name);

  /* The save button of "Only Newsletter" asks for a name. */
  button = find_button (GTK_WIDGET (region_row (page, 1)));
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");

  dialog = find_dialog (window);
  g_assert_nonnull (dialog);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog))),
                   ==, "Only Newsletter");
  gtk_editable_set_text (GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog)), "   ");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "save"));
  gtk_editable_set_text (GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog)),
                         "Newsletter without Pro");
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "save"));
  /* As a click on Save: the response, then the dialog closes. */
  adw_message_dialog_response (dialog, "save");
  gtk_window_destroy (GTK_WINDOW (dialog));
  wait_page (page);

  /* Saved, with membership criteria, and as many members as the region. */
  g_assert_cmpstr (saved_name, ==, "Newsletter without Pro");
  g_assert_cmpint (engine_count ("Newsletter without Pro"), ==, expected->regions[1]);
  {
    g_autoptr(AudStore) store = open_store ();
    g_autoptr(GError) error = NULL;
    g_autoptr(AudSegment) segment = aud_segment_lookup (store, "Newsletter without Pro", &error);
    g_autofree char *json = NULL;

    g_assert_no_error (error);
    json = aud_segment_to_json (segment, FALSE);
    g_assert_nonnull (strstr (json, "\"not\""));
    g_assert_nonnull (strstr (json, "\"segment\":\"Pro\""));
  }

  /* The list shows it; the picks stay. */
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (
                      child (page, "breakdown_segment_dropdown"))), ==, G_N_ELEMENTS (saved) + 1);
  g_assert_cmpint (aud_compare_page_get_overlap (page)->n, ==, 2);

  /* A second time: the name is taken, and the dialog says so. The rows
   * are new since the list was read again. */
  button = find_button (GTK_WIDGET (region_row (page, 1)));
  g_signal_emit_by_name (button, "clicked");
  dialog = find_dialog (window);
  gtk_editable_set_text (GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog)),
                         "Newsletter without Pro");
  g_test_expect_message ("aud-compare-page", G_LOG_LEVEL_WARNING, "*Newsletter without Pro*");
  /* As a click on Save: the response, then the dialog closes. */
  adw_message_dialog_response (dialog, "save");
  gtk_window_destroy (GTK_WINDOW (dialog));
  wait_page (page);
  g_test_assert_expected_messages ();
  dialog = find_dialog (window);
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Could Not Save the Segment");
  gtk_window_destroy (GTK_WINDOW (dialog));

  gtk_window_destroy (window);
  iterate ();

  {
    g_autoptr(AudStore) store = open_store ();

    g_assert_true (aud_segment_delete (store, "Newsletter without Pro", NULL));
  }
}

static void
test_compare_breakdown (void)
{
  const char *names[] = { "Pro", NULL };
  GtkWindow *window;
  AudComparePage *page = open_page (&window, names);
  GtkDropDown *segments = child (page, "breakdown_segment_dropdown");
  GtkDropDown *fields = child (page, "breakdown_field_dropdown");
  GListModel *model = gtk_drop_down_get_model (fields);
  g_autoptr(AudBreakdown) expected = NULL;
  guint plan = GTK_INVALID_LIST_POSITION;

  /* The first pick is the segment broken down. */
  g_assert_cmpstr (gtk_string_object_get_string (gtk_drop_down_get_selected_item (segments)), ==,
                   "Pro");

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (model, i);

      if (g_strcmp0 (gtk_string_object_get_string (item), "country") == 0)
        plan = i;
    }
  g_assert_cmpuint (plan, !=, GTK_INVALID_LIST_POSITION);
  gtk_drop_down_set_selected (fields, plan);
  wait_page (page);

  {
    g_autoptr(AudStore) store = open_store ();
    g_autoptr(AudEngine) engine = aud_engine_new ();
    g_autoptr(AudSegment) pro = aud_segment_lookup (store, "Pro", NULL);
    g_autoptr(GError) error = NULL;

    expected = aud_engine_breakdown (engine, store, pro, "country", 12,
                                     aud_engine_get_default_now (store), NULL, &error);
    g_assert_no_error (error);
  }

  g_assert_cmpstr (gtk_stack_get_visible_child_name (child (page, "breakdown_stack")), ==,
                   "content");
  g_assert_cmpuint (expected->rows->len, >, 2);
  g_assert_cmpuint (aud_breakdown_view_get_n_rows (child (page, "breakdown_view")), ==,
                    expected->rows->len);

  gtk_window_destroy (window);
  iterate ();
}

static void
on_exported_cb (AudExportDialog         *dialog,
                const AudExportSummary  *summary,
                AdwToast               **toast)
{
  g_assert_nonnull (summary);
  *toast = g_object_ref_sink (aud_export_toast_new (summary));
  g_object_set_data_full (G_OBJECT (*toast), "n-written",
                          g_memdup2 (&summary->n_written, sizeof summary->n_written), g_free);
}

static void
wait_dialog (AudExportDialog *dialog)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  do
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  while (aud_export_dialog_get_busy (dialog));
}

static guint
count_lines (const char *path)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  guint n = 0;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  for (const char *p = contents; *p != '\0'; p++)
    n += *p == '\n';

  return n;
}

static void
test_export_file (void)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "pro.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(AdwToast) toast = NULL;
  g_autofree char *count = NULL;
  gint64 n = engine_count ("Pro");
  GtkWidget *parent = adw_window_new ();
  AudExportDialog *dialog;

  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
  gtk_window_present (GTK_WINDOW (parent));
  dialog = aud_export_dialog_new (GTK_WINDOW (parent), workspace, "Pro", NULL);
  g_object_ref (dialog);
  g_signal_connect (dialog, "exported", G_CALLBACK (on_exported_cb), &toast);
  gtk_window_present (GTK_WINDOW (dialog));
  wait_dialog (dialog);

  /* Before writing: all members, none left out (a spreadsheet export). */
  g_assert_nonnull (aud_export_dialog_get_plan (dialog));
  g_assert_cmpint (aud_export_dialog_get_plan (dialog)->n_members, ==, n);
  g_assert_cmpint (aud_export_dialog_get_plan (dialog)->n_written, ==, n);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  aud_export_dialog_export_to (dialog, file);
  wait_dialog (dialog);
  iterate ();

  /* A header and a row per member; the toast says how many. */
  g_assert_nonnull (toast);
  g_assert_cmpuint (count_lines (path), ==, n + 1);
  g_assert_cmpint (*(guint64 *)g_object_get_data (G_OBJECT (toast), "n-written"), ==, n);
  count = aud_format_count (n);
  g_assert_nonnull (strstr (adw_toast_get_title (toast), count));
  g_assert_cmpstr (adw_toast_get_button_label (toast), ==, "Open Folder");
  /* The dialog closed itself. */
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (dialog)));

  g_object_unref (dialog);
  gtk_window_destroy (GTK_WINDOW (parent));
  iterate ();
}

static void
test_export_consent (void)
{
  GtkWidget *parent = adw_window_new ();
  AudExportDialog *dialog;
  AdwComboRow *preset_row;
  const AudExportSummary *plan;
  const AudPreset *list;
  guint n_presets, klaviyo = 0;

  dialog = aud_export_dialog_new (GTK_WINDOW (parent), workspace, "Pro", NULL);
  wait_dialog (dialog);

  /* An email tool leaves out those without email consent, and says so. */
  list = aud_preset_list (&n_presets);
  for (guint i = 0; i < n_presets; i++)
    if (g_strcmp0 (list[i].name, "klaviyo") == 0)
      klaviyo = i;
  preset_row = ADW_COMBO_ROW (gtk_widget_get_template_child (GTK_WIDGET (dialog),
                                                             AUD_TYPE_EXPORT_DIALOG, "preset_row"));
  adw_combo_row_set_selected (preset_row, klaviyo);
  wait_dialog (dialog);

  plan = aud_export_dialog_get_plan (dialog);
  g_assert_nonnull (plan);
  g_assert_cmpuint (plan->n_unconsented, >, 0);
  g_assert_cmpuint (plan->n_written + plan->n_unconsented + plan->n_no_identifier +
                    plan->n_merged, ==, plan->n_members);
  {
    GtkLabel *left_out = GTK_LABEL (gtk_widget_get_template_child (GTK_WIDGET (dialog),
                                                                   AUD_TYPE_EXPORT_DIALOG,
                                                                   "left_out_label"));
    g_autofree char *count = aud_format_count (plan->n_members - plan->n_written);

    g_assert_cmpstr (gtk_label_get_label (left_out), ==, count);
  }

  gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (parent));
  iterate ();
}

static void
test_export_error (void)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "no such folder", "pro.csv",
                                            NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  GtkWidget *parent = adw_window_new ();
  AudExportDialog *dialog;
  AdwMessageDialog *message;

  dialog = aud_export_dialog_new (GTK_WINDOW (parent), workspace, "Pro", NULL);
  gtk_window_present (GTK_WINDOW (dialog));
  wait_dialog (dialog);

  g_test_expect_message ("aud-export-dialog", G_LOG_LEVEL_WARNING, "*could not be exported*");
  aud_export_dialog_export_to (dialog, file);
  wait_dialog (dialog);
  g_test_assert_expected_messages ();

  /* The failure is shown with its reason; the dialog stays to try again. */
  message = find_dialog (GTK_WINDOW (dialog));
  g_assert_nonnull (message);
  g_assert_cmpstr (adw_message_dialog_get_heading (message), ==, "Export Failed");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (message), "\n\n"));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  gtk_window_destroy (GTK_WINDOW (message));
  gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (parent));
  iterate ();
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  gui_test_init (&argc, &argv);

  make_workspace ();

  g_test_add_func ("/gui-compare/two", test_compare_two);
  g_test_add_func ("/gui-compare/three", test_compare_three);
  g_test_add_func ("/gui-compare/save-region", test_compare_save_region);
  g_test_add_func ("/gui-compare/breakdown", test_compare_breakdown);
  g_test_add_func ("/gui-compare/export-file", test_export_file);
  g_test_add_func ("/gui-compare/export-consent", test_export_consent);
  g_test_add_func ("/gui-compare/export-error", test_export_error);

  ret = g_test_run ();

  aud_store_delete_files (workspace, NULL);
  g_rmdir (workspace_dir);
  g_free (workspace);
  g_free (workspace_dir);

  return ret;
}
