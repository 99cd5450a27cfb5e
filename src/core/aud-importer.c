/* aud-importer.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "aud-importer"

#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "aud-engine.h"
#include "aud-importer.h"

/* Rows between two looks at the cancellable and the clock. */
#define CHECK_ROWS 256

/* Progress is reported at most this often (microseconds). */
#define PROGRESS_INTERVAL (100 * 1000)


/* How much of a cell a note quotes. */
#define NOTE_VALUE_CHARS 40

/* How many bytes the SHA-256 thread reads at a time. */
#define HASH_CHUNK (1024 * 1024)

/* An events file of at least this many bytes per event already stored
 * rebuilds the event indexes after the load rather than updating them row
 * by row. Measured: 3M events added to 1,000 took 94 s of CPU with the
 * indexes kept and 24 s rebuilt; to 2M events, 1M more took 17 s kept and
 * 13 s rebuilt, 300k more 7 s kept and 9 s rebuilt. */
#define REBUILD_BYTES_PER_EVENT 64

G_DEFINE_QUARK (aud-importer-error-quark, aud_importer_error)

/* ------------------------------------------------------------------ */
/* Kinds                                                                */

const char *
aud_import_kind_to_string (AudImportKind kind)
{
  return kind == AUD_IMPORT_EVENTS ? "events" : "customers";
}

gboolean
aud_import_kind_from_string (const char    *str,
                             AudImportKind *kind)
{
  g_return_val_if_fail (kind != NULL, FALSE);

  if (g_strcmp0 (str, "customers") == 0)
    *kind = AUD_IMPORT_CUSTOMERS;
  else if (g_strcmp0 (str, "events") == 0)
    *kind = AUD_IMPORT_EVENTS;
  else
    return FALSE;

  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Mapping                                                              */

G_DEFINE_BOXED_TYPE (AudImportMapping, aud_import_mapping,
                     aud_import_mapping_copy, aud_import_mapping_free)

static void
import_column_free (AudImportColumn *column)
{
  g_free (column->name);
  g_free (column->field);
  g_free (column);
}

static AudImportColumn *
import_column_copy (const AudImportColumn *column)
{
  AudImportColumn *copy = g_memdup2 (column, sizeof *column);

  copy->name = g_strdup (column->name);
  copy->field = g_strdup (column->field);

  return copy;
}

/**
 * aud_import_mapping_new:
 * @kind: customers or events
 *
 * An empty mapping: read options to sniff, no columns.
 *
 * Returns: (transfer full): a new mapping
 */
AudImportMapping *
aud_import_mapping_new (AudImportKind kind)
{
  AudImportMapping *self = g_new0 (AudImportMapping, 1);

  self->kind = kind;
  self->read = AUD_READ_OPTIONS_INIT;
  self->columns = g_ptr_array_new_with_free_func ((GDestroyNotify)import_column_free);

  return self;
}

AudImportMapping *
aud_import_mapping_copy (const AudImportMapping *mapping)
{
  AudImportMapping *copy;

  g_return_val_if_fail (mapping != NULL, NULL);

  copy = aud_import_mapping_new (mapping->kind);
  copy->read = mapping->read;
  copy->blank_markers = g_strdupv (mapping->blank_markers);
  for (guint i = 0; i < mapping->columns->len; i++)
    g_ptr_array_add (copy->columns, import_column_copy (mapping->columns->pdata[i]));
  copy->id_column = g_strdup (mapping->id_column);
  copy->event_column = g_strdup (mapping->event_column);
  copy->event_name = g_strdup (mapping->event_name);
  copy->time_column = g_strdup (mapping->time_column);
  copy->create_customers = mapping->create_customers;

  return copy;
}

void
aud_import_mapping_free (AudImportMapping *mapping)
{
  if (mapping == NULL)
    return;

  g_strfreev (mapping->blank_markers);
  g_ptr_array_unref (mapping->columns);
  g_free (mapping->id_column);
  g_free (mapping->event_column);
  g_free (mapping->event_name);
  g_free (mapping->time_column);
  g_free (mapping);
}

AudImportColumn *
aud_import_mapping_get_column (const AudImportMapping *self,
                               const char             *name)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < self->columns->len; i++)
    {
      AudImportColumn *column = self->columns->pdata[i];

      if (g_str_equal (column->name, name))
        return column;
    }

  return NULL;
}

AudImportColumn *
aud_import_mapping_add_column (AudImportMapping      *self,
                               const char            *name,
                               const AudColumnFormat *format,
                               AudFieldRole           role)
{
  AudImportColumn *column;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  column = aud_import_mapping_get_column (self, name);
  if (column != NULL)
    return column;

  column = g_new0 (AudImportColumn, 1);
  column->name = g_strdup (name);
  if (format != NULL)
    column->format = *format;
  column->role = role;
  g_ptr_array_add (self->columns, column);

  return column;
}

static const char *
column_field_name (const AudImportColumn *column)
{
  return column->field != NULL && column->field[0] != '\0' ? column->field : column->name;
}

/* Whether @name is one of the columns the mapping uses as id, event name
 * or time (those are never fields). */
static gboolean
is_special_column (const AudImportMapping *self,
                   const char             *name)
{
  return g_strcmp0 (name, self->id_column) == 0 ||
         (self->kind == AUD_IMPORT_EVENTS &&
          (g_strcmp0 (name, self->event_column) == 0 ||
           g_strcmp0 (name, self->time_column) == 0));
}

static gboolean
check_column_exists (const char         *name,
                     const char * const *columns,
                     GError            **error)
{
  if (name == NULL || columns == NULL || g_strv_contains (columns, name))
    return TRUE;

  g_set_error (error, AUD_IMPORTER_ERROR, AUD_IMPORTER_ERROR_MAPPING,
               _("The file has no column “%s”"), name);
  return FALSE;
}

/* Fails when two used columns of @self go to the same field name in one
 * scope (@profile: the profile fields of created customers). */
static gboolean
check_unique_fields (const AudImportMapping *self,
                     gboolean                profile,
                     GError                **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < self->columns->len; i++)
    {
      AudImportColumn *column = self->columns->pdata[i];
      const char *field = column_field_name (column);
      const char *other;

      if (profile ? !column->profile : (column->skip || is_special_column (self, column->name)))
        continue;

      other = g_hash_table_lookup (seen, field);
      if (other != NULL)
        {
          g_set_error (error, AUD_IMPORTER_ERROR, AUD_IMPORTER_ERROR_MAPPING,
                       _("Columns “%s” and “%s” both go to the field “%s”"),
                       other, column->name, field);
          return FALSE;
        }

      g_hash_table_insert (seen, (gpointer)field, column->name);
    }

  return TRUE;
}

gboolean
aud_import_mapping_check (const AudImportMapping *self,
                          const char * const     *columns,
                          GError                **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (self->kind == AUD_IMPORT_EVENTS)
    {
      if (self->id_column == NULL)
        {
          g_set_error_literal (error, AUD_IMPORTER_ERROR, AUD_IMPORTER_ERROR_MAPPING,
                               _("Choose the column that holds the customer id of each event"));
          return FALSE;
        }

      if (self->time_column == NULL)
        {
          g_set_error_literal (error, AUD_IMPORTER_ERROR, AUD_IMPORTER_ERROR_MAPPING,
                               _("Choose the column that holds the time of each event"));
          return FALSE;
        }

      if (self->event_column == NULL && aud_value_is_blank (self->event_name, NULL))
        {
          g_set_error_literal (error, AUD_IMPORTER_ERROR, AUD_IMPORTER_ERROR_MAPPING,
                               _("Choose the column that holds the event name, or give one "
                                 "event name for the whole file"));
          return FALSE;
        }

      if (self->event_column == NULL && !g_utf8_validate (self->event_name, -1, NULL))
        {
          g_set_error_literal (error, AUD_IMPORTER_ERROR, AUD_IMPORTER_ERROR_MAPPING,
                               _("The event name is not valid text"));
          return FALSE;
        }

      if (g_strcmp0 (self->id_column, self->time_column) == 0 ||
          g_strcmp0 (self->id_column, self->event_column) == 0 ||
          g_strcmp0 (self->time_column, self->event_column) == 0)
        {
          g_set_error_literal (error, AUD_IMPORTER_ERROR, AUD_IMPORTER_ERROR_MAPPING,
                               _("The customer id, event name and time must be three different "
                                 "columns"));
          return FALSE;
        }

      if (!check_column_exists (self->event_column, columns, error) ||
          !check_column_exists (self->time_column, columns, error))
        return FALSE;
    }

  if (!check_column_exists (self->id_column, columns, error))
    return FALSE;

  if (!check_unique_fields (self, FALSE, error))
    return FALSE;

  if (self->kind == AUD_IMPORT_EVENTS && self->create_customers &&
      !check_unique_fields (self, TRUE, error))
    return FALSE;

  return TRUE;
}

/* JSON form ---------------------------------------------------------- */

static const char * const date_order_names[] = {
  [AUD_DATE_ORDER_YMD] = "ymd",
  [AUD_DATE_ORDER_DMY] = "dmy",
  [AUD_DATE_ORDER_MDY] = "mdy",
};

static const char *
group_mark_to_string (char mark)
{
  switch (mark)
    {
    case (char)0xA0:
      return "nbsp";
    case ',':
      return ",";
    case '.':
      return ".";
    case ' ':
      return " ";
    case '\'':
      return "'";
    default:
      return "";
    }
}

static gboolean
group_mark_from_string (const char *str,
                        char       *mark)
{
  if (str == NULL || str[0] == '\0')
    *mark = 0;
  else if (g_str_equal (str, "nbsp"))
    *mark = (char)0xA0;
  else if (str[1] == '\0' && strchr (",. '", str[0]) != NULL)
    *mark = str[0];
  else
    return FALSE;

  return TRUE;
}

static void
add_nullable_string (JsonBuilder *builder,
                     const char  *key,
                     const char  *value)
{
  json_builder_set_member_name (builder, key);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

char *
aud_import_mapping_to_json (const AudImportMapping *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  char delimiter[2] = { self->read.delimiter, 0 };
  char quote[2] = { self->read.quote, 0 };

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, aud_import_kind_to_string (self->kind));

  json_builder_set_member_name (builder, "read");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "format");
  json_builder_add_string_value (builder, aud_file_format_to_string (self->read.format));
  json_builder_set_member_name (builder, "encoding");
  json_builder_add_string_value (builder, aud_encoding_to_string (self->read.encoding));
  add_nullable_string (builder, "delimiter", self->read.delimiter != 0 ? delimiter : NULL);
  add_nullable_string (builder, "quote", self->read.quote != 0 ? quote : NULL);
  if (self->read.header != AUD_HEADER_AUTO)
    {
      json_builder_set_member_name (builder, "header");
      json_builder_add_boolean_value (builder, self->read.header == AUD_HEADER_YES);
    }
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "blank");
  json_builder_begin_array (builder);
  for (guint i = 0; self->blank_markers != NULL && self->blank_markers[i] != NULL; i++)
    json_builder_add_string_value (builder, self->blank_markers[i]);
  json_builder_end_array (builder);

  add_nullable_string (builder, "id_column", self->id_column);
  add_nullable_string (builder, "event_column", self->event_column);
  add_nullable_string (builder, "event_name", self->event_name);
  add_nullable_string (builder, "time_column", self->time_column);
  json_builder_set_member_name (builder, "create_customers");
  json_builder_add_boolean_value (builder, self->create_customers);

  json_builder_set_member_name (builder, "columns");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->columns->len; i++)
    {
      AudImportColumn *column = self->columns->pdata[i];
      char decimal_mark[2] = { column->format.number.decimal_mark, 0 };

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, column->name);
      json_builder_set_member_name (builder, "skip");
      json_builder_add_boolean_value (builder, column->skip);
      add_nullable_string (builder, "field", column->field);
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, aud_field_type_to_string (column->format.type));
      json_builder_set_member_name (builder, "decimal_mark");
      json_builder_add_string_value (builder, decimal_mark[0] == ',' ? "," : ".");
      json_builder_set_member_name (builder, "group_mark");
      json_builder_add_string_value (builder,
                                     group_mark_to_string (column->format.number.group_mark));
      json_builder_set_member_name (builder, "date_order");
      json_builder_add_string_value (builder,
                                     column->format.date_order <= AUD_DATE_ORDER_MDY ?
                                     date_order_names[column->format.date_order] : "ymd");
      json_builder_set_member_name (builder, "scale");
      json_builder_add_int_value (builder, column->format.scale);
      json_builder_set_member_name (builder, "epoch");
      json_builder_add_boolean_value (builder, column->format.epoch);
      json_builder_set_member_name (builder, "role");
      json_builder_add_string_value (builder, aud_field_role_to_string (column->role));
      json_builder_set_member_name (builder, "profile");
      json_builder_add_boolean_value (builder, column->profile);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);

  return json_generator_to_data (generator, NULL);
}

/* Member @key of @object as a string: NULL when absent or null; fails
 * (with @error naming @path) when it is something else. */
static gboolean
get_string_member (JsonObject  *object,
                   const char  *key,
                   const char  *path,
                   const char **out,
                   GError     **error)
{
  JsonNode *node = json_object_get_member (object, key);

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, AUD_IMPORTER_ERROR, AUD_IMPORTER_ERROR_MAPPING,
                   _("Mapping: %s%s must be a string"), path, key);
      return FALSE;
    }

  *out = json_node_get_string (node);
  return TRUE;
}

static gboolean
get_boolean_member (JsonObject *object,
                    const char *key,
                    const char *path,
                    gboolean   *out,
                    GError    **error)
{
  JsonNode *node = json_object_get_member (object, key);

  *out = FALSE;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    {
      g_set_error (error, AUD_IMPORTER_ERROR, AUD_IMPORTER_ERROR_MAPPING,
                   _("Mapping: %s%s must be true or false"), path, key);
      return FALSE;
    }

  *out = json_node_get_boolean (node);
  return TRUE;
}

static gboolean
bad_value (const char *path,
           const char *key,
           const char *value,
           GError    **error)
{
  g_set_error (error, AUD_IMPORTER_ERROR, AUD_IMPORTER_ERROR_MAPPING,
               _("Mapping: %s%s: “%s” is not a valid value"), path, key, value);
  return FALSE;
}

static gboolean
read_options_from_json (JsonObject     *object,
                        AudReadOptions *read,
                        GError        **error)
{
  const char *str;
  gboolean header;

  *read = AUD_READ_OPTIONS_INIT;
  if (object == NULL)
    return TRUE;

  if (!get_string_member (object, "format", "read.", &str, error))
    return FALSE;
  if (str != NULL && !aud_file_format_from_string (str, &read->format))
    return bad_value ("read.", "format", str, error);

  if (!get_string_member (object, "encoding", "read.", &str, error))
    return FALSE;
  if (str != NULL && !aud_encoding_from_string (str, &read->encoding))
    return bad_value ("read.", "encoding", str, error);

  if (!get_string_member (object, "delimiter", "read.", &str, error))
    return FALSE;
  if (str != NULL && (strlen (str) != 1 || !g_ascii_ispunct (str[0])) && g_strcmp0 (str, "\t") != 0)
    return bad_value ("read.", "delimiter", str, error);
  read->delimiter = str != NULL ? str[0] : 0;

  if (!get_string_member (object, "quote", "read.", &str, error))
    return FALSE;
  if (str != NULL && g_strcmp0 (str, "\"") != 0 && g_strcmp0 (str, "'") != 0)
    return bad_value ("read.", "quote", str, error);
  read->quote = str != NULL ? str[0] : 0;

  if (json_object_has_member (object, "header") &&
      !json_object_get_null_member (object, "header"))
    {
      if (!get_boolean_member (object, "header", "read.", &header, error))
        return FALSE;
      read->header = header ? AUD_HEADER_YES : AUD_HEADER_NO;
    }

  return TRUE;
}

static gboolean
column_from_json (AudImportMapping *self,
                  JsonNode         *node,
                  guint             index,
                  GError          **error)
{
  g_autofree char *path = g_strdup_printf ("columns[%u].", index);
  AudImportColumn *column;
  JsonObject *object;
  const char *name;
  const char *str;
  AudColumnFormat format = { 0, };
  AudFieldRole role = AUD_ROLE_NONE;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, AUD_IMPORTER_ERROR, AUD_IMPORTER_ERROR_MAPPING,
                   _("Mapping: columns[%u] must be an object"), index);
      return FALSE;
    }
  object = json_node_get_object (node);

  if (!get_string_member (object, "name", path, &name, error))
    return FALSE;
  if (name == NULL || aud_import_mapping_get_column (self, name) != NULL)
    {
      g_set_error (error, AUD_IMPORTER_ERROR, AUD_IMPORTER_ERROR_MAPPING,
                   _("Mapping: columns[%u] needs a name not used by another column"), index);
      return FALSE;
    }

  format.number = AUD_NUMBER_FORMAT_PLAIN;

  if (!get_string_member (object, "type", path, &str, error))
    return FALSE;
  if (str != NULL && !aud_field_type_from_string (str, &format.type))
    return bad_value (path, "type", str, error);

  if (!get_string_member (object, "decimal_mark", path, &str, error))
    return FALSE;
  if (str != NULL && g_strcmp0 (str, ".") != 0 && g_strcmp0 (str, ",") != 0)
    return bad_value (path, "decimal_mark", str, error);
  if (str != NULL)
    format.number.decimal_mark = str[0];

  if (!get_string_member (object, "group_mark", path, &str, error))
    return FALSE;
  if (!group_mark_from_string (str, &format.number.group_mark))
    return bad_value (path, "group_mark", str, error);

  if (!get_string_member (object, "date_order", path, &str, error))
    return FALSE;
  if (str != NULL)
    {
      guint i;

      for (i = 0; i < G_N_ELEMENTS (date_order_names); i++)
        if (g_str_equal (str, date_order_names[i]))
          break;
      if (i == G_N_ELEMENTS (date_order_names))
        return bad_value (path, "date_order", str, error);
      format.date_order = i;
    }

  if (json_object_has_member (object, "scale"))
    {
      gint64 scale = json_object_get_int_member (object, "scale");

      if (scale < 0 || scale > AUD_DECIMAL_MAX_SCALE)
        {
          g_set_error (error, AUD_IMPORTER_ERROR, AUD_IMPORTER_ERROR_MAPPING,
                       _("Mapping: %sscale must be from 0 to %d"), path, AUD_DECIMAL_MAX_SCALE);
          return FALSE;
        }
      format.scale = scale;
    }

  if (!get_boolean_member (object, "epoch", path, &format.epoch, error))
    return FALSE;

  if (!get_string_member (object, "role", path, &str, error))
    return FALSE;
  if (str != NULL && !aud_field_role_from_string (str, &role))
    return bad_value (path, "role", str, error);

  column = aud_import_mapping_add_column (self, name, &format, role);

  if (!get_string_member (object, "field", path, &str, error))
    return FALSE;
  column->field = g_strdup (str);

  return get_boolean_member (object, "skip", path, &column->skip, error) &&
         get_boolean_member (object, "profile", path, &column->profile, error);
}

/**
 * aud_import_mapping_new_from_json:
 * @json: a mapping as written by aud_import_mapping_to_json()
 * @error: %AUD_IMPORTER_ERROR_MAPPING naming the bad member
 *
 * Returns: (transfer full): the mapping, or NULL with @error set
 */
AudImportMapping *
aud_import_mapping_new_from_json (const char *json,
                                  GError    **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(AudImportMapping) self = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonObject *root;
  JsonNode *node;
  const char *str;
  AudImportKind kind;

  g_return_val_if_fail (json != NULL, NULL);

  if (!json_parser_load_from_data (parser, json, -1, &local_error))
    {
      g_set_error (error, AUD_IMPORTER_ERROR, AUD_IMPORTER_ERROR_MAPPING,
                   _("Mapping: %s"), local_error->message);
      return NULL;
    }

  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error_literal (error, AUD_IMPORTER_ERROR, AUD_IMPORTER_ERROR_MAPPING,
                           _("Mapping: the top level must be an object"));
      return NULL;
    }
  root = json_node_get_object (json_parser_get_root (parser));

  if (!get_string_member (root, "kind", "", &str, error))
    return NULL;
  if (!aud_import_kind_from_string (str, &kind))
    {
      bad_value ("", "kind", str != NULL ? str : "null", error);
      return NULL;
    }
  self = aud_import_mapping_new (kind);

  node = json_object_get_member (root, "read");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node) && !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, AUD_IMPORTER_ERROR, AUD_IMPORTER_ERROR_MAPPING,
                           _("Mapping: read must be an object"));
      return NULL;
    }
  if (!read_options_from_json (node != NULL && JSON_NODE_HOLDS_OBJECT (node) ?
                               json_node_get_object (node) : NULL,
                               &self->read, error))
    return NULL;

  node = json_object_get_member (root, "blank");
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      g_autoptr(GStrvBuilder) markers = g_strv_builder_new ();

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (!JSON_NODE_HOLDS_VALUE (element) ||
              json_node_get_value_type (element) != G_TYPE_STRING)
            {
              g_set_error (error, AUD_IMPORTER_ERROR, AUD_IMPORTER_ERROR_MAPPING,
                           _("Mapping: blank[%u] must be a string"), i);
              return NULL;
            }
          g_strv_builder_add (markers, json_node_get_string (element));
        }

      if (json_array_get_length (array) > 0)
        self->blank_markers = g_strv_builder_end (markers);
    }

  if (!get_string_member (root, "id_column", "", &str, error))
    return NULL;
  self->id_column = g_strdup (str);
  if (!get_string_member (root, "event_column", "", &str, error))
    return NULL;
  self->event_column = g_strdup (str);
  if (!get_string_member (root, "event_name", "", &str, error))
    return NULL;
  self->event_name = g_strdup (str);
  if (!get_string_member (root, "time_column", "", &str, error))
    return NULL;
  self->time_column = g_strdup (str);
  if (!get_boolean_member (root, "create_customers", "", &self->create_customers, error))
    return NULL;

  node = json_object_get_member (root, "columns");
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        if (!column_from_json (self, json_array_get_element (array, i), i, error))
          return NULL;
    }
  else if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      g_set_error_literal (error, AUD_IMPORTER_ERROR, AUD_IMPORTER_ERROR_MAPPING,
                           _("Mapping: columns must be an array"));
      return NULL;
    }

  return g_steal_pointer (&self);
}

/* ------------------------------------------------------------------ */
/* Preview                                                              */

static void
preview_row_free (AudImportPreviewRow *row)
{
  for (guint i = 0; i < row->n_cells; i++)
    g_free (row->cells[i]);
  g_free (row->cells);
  g_free (row->problem_text);
  g_free (row);
}

static AudImportPreviewRow *
preview_row_new (const AudRow *row)
{
  AudImportPreviewRow *copy = g_new0 (AudImportPreviewRow, 1);

  copy->line = row->line;
  copy->problem = row->problem;
  copy->problem_text = g_strdup (row->problem_text);
  copy->n_cells = row->n_cells;
  copy->cells = g_new0 (char *, MAX (row->n_cells, 1));
  for (guint i = 0; i < row->n_cells; i++)
    copy->cells[i] = g_strdup (row->cells[i]);

  return copy;
}

void
aud_import_preview_free (AudImportPreview *preview)
{
  if (preview == NULL)
    return;

  g_free (preview->path);
  g_clear_pointer (&preview->sniff, aud_sniff_free);
  g_strfreev (preview->columns);
  g_clear_pointer (&preview->rows, g_ptr_array_unref);
  g_clear_pointer (&preview->guesses, g_ptr_array_unref);
  g_strfreev (preview->blank_markers);
  g_free (preview);
}

static gboolean
has_role (const AudImportPreview *self,
          AudFieldRole            role)
{
  for (guint i = 0; i < self->guesses->len; i++)
    if (((AudColumnGuess *)self->guesses->pdata[i])->role == role)
      return TRUE;

  return FALSE;
}

/* An activity file names what happened, or has a time while its customers
 * repeat (one row per event); a profile file has each customer once. */
static AudImportKind
guess_kind (const AudImportPreview *self)
{
  gboolean ids_repeat = FALSE;

  for (guint i = 0; i < self->guesses->len; i++)
    {
      const AudColumnGuess *guess = self->guesses->pdata[i];

      if (guess->role == AUD_ROLE_CUSTOMER_ID && !guess->unique)
        ids_repeat = TRUE;
    }

  if (has_role (self, AUD_ROLE_EVENT_NAME) ||
      (has_role (self, AUD_ROLE_EVENT_TIME) && ids_repeat))
    return AUD_IMPORT_EVENTS;

  return AUD_IMPORT_CUSTOMERS;
}

AudImportPreview *
aud_import_preview_new (const char           *path,
                        const AudReadOptions *options,
                        const char * const   *blank_markers,
                        guint                 n_rows,
                        GCancellable         *cancellable,
                        GError              **error)
{
  g_autoptr(AudImportPreview) self = NULL;
  g_autoptr(AudReader) reader = NULL;
  g_autoptr(AudInfer) infer = NULL;
  const char * const *columns;
  guint n_columns;
  guint n_read = 0;

  g_return_val_if_fail (path != NULL, NULL);

  if (n_rows == 0)
    n_rows = AUD_IMPORT_PREVIEW_ROWS;

  reader = aud_reader_open (path, options, error);
  if (reader == NULL)
    return NULL;

  self = g_new0 (AudImportPreview, 1);
  self->path = g_strdup (path);
  self->rows = g_ptr_array_new_with_free_func ((GDestroyNotify)preview_row_free);
  self->blank_markers = g_strdupv ((GStrv)blank_markers);
  self->total_bytes = aud_reader_get_total_bytes (reader);

  infer = aud_infer_new (blank_markers);
  columns = aud_reader_get_columns (reader, &n_columns);
  aud_infer_set_columns (infer, columns, n_columns);

  /* Flagged rows are shown but not sampled; the read stops after as many
   * rows as inference wants, whatever they are. */
  while (n_read < AUD_INFER_SAMPLE_ROWS)
    {
      g_autoptr(GError) local_error = NULL;
      AudRow *row;
      guint n;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;

      if (!aud_reader_next (reader, &row, &local_error))
        {
          if (local_error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return NULL;
            }
          self->complete = TRUE;
          break;
        }
      n_read++;

      columns = aud_reader_get_columns (reader, &n);
      if (n > n_columns)
        {
          n_columns = n;
          aud_infer_set_columns (infer, columns, n_columns);
        }

      if (self->rows->len < n_rows)
        g_ptr_array_add (self->rows, preview_row_new (row));

      if (row->problem == AUD_ROW_PROBLEM_NONE)
        {
          aud_infer_add_row (infer, (const char * const *)row->cells, MIN (row->n_cells, n_columns));
          self->n_sampled++;
        }
    }

  columns = aud_reader_get_columns (reader, &self->n_columns);
  self->columns = g_strdupv ((GStrv)columns);
  self->guesses = aud_infer_finish (infer);
  self->sniff = aud_sniff_copy (aud_reader_get_sniff (reader));
  self->kind = guess_kind (self);

  return g_steal_pointer (&self);
}

typedef struct
{
  char           *path;
  AudReadOptions  options;
  gboolean        has_options;
  GStrv           blank_markers;
  guint           n_rows;
} PreviewData;

static void
preview_data_free (PreviewData *data)
{
  g_free (data->path);
  g_strfreev (data->blank_markers);
  g_free (data);
}

static void
preview_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  PreviewData *data = task_data;
  AudImportPreview *preview;
  GError *error = NULL;

  preview = aud_import_preview_new (data->path, data->has_options ? &data->options : NULL,
                                    (const char * const *)data->blank_markers, data->n_rows,
                                    cancellable, &error);
  if (preview == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, preview, (GDestroyNotify)aud_import_preview_free);
}

/**
 * aud_import_preview_new_async:
 *
 * Runs aud_import_preview_new() in a worker thread; @callback is called on
 * the calling thread's main context.
 */
void
aud_import_preview_new_async (const char           *path,
                              const AudReadOptions *options,
                              const char * const   *blank_markers,
                              guint                 n_rows,
                              GCancellable         *cancellable,
                              GAsyncReadyCallback   callback,
                              gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  PreviewData *data;

  g_return_if_fail (path != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  data = g_new0 (PreviewData, 1);
  data->path = g_strdup (path);
  data->has_options = options != NULL;
  if (options != NULL)
    data->options = *options;
  data->blank_markers = g_strdupv ((GStrv)blank_markers);
  data->n_rows = n_rows;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, aud_import_preview_new_async);
  g_task_set_task_data (task, data, (GDestroyNotify)preview_data_free);
  g_task_run_in_thread (task, preview_thread);
}

/**
 * aud_import_preview_new_finish:
 *
 * Returns: (transfer full): the preview, or NULL with @error set
 */
AudImportPreview *
aud_import_preview_new_finish (GAsyncResult *result,
                               GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == aud_import_preview_new_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* The first column guessed with @role (a unique one first for customer
 * ids), or NULL. */
static const char *
find_role (const AudImportPreview *self,
           AudFieldRole            role)
{
  const char *found = NULL;

  for (guint i = 0; i < self->guesses->len; i++)
    {
      AudColumnGuess *guess = self->guesses->pdata[i];

      if (guess->role != role)
        continue;
      if (role != AUD_ROLE_CUSTOMER_ID || guess->unique)
        return guess->name;
      if (found == NULL)
        found = guess->name;
    }

  return found;
}

static const char *
find_type (const AudImportPreview *self,
           AudFieldType            type)
{
  for (guint i = 0; i < self->guesses->len; i++)
    {
      AudColumnGuess *guess = self->guesses->pdata[i];

      if (guess->format.type == type && guess->n_values > 0)
        return guess->name;
    }

  return NULL;
}

AudImportMapping *
aud_import_preview_dup_mapping (const AudImportPreview *self,
                                AudImportKind           kind)
{
  AudImportMapping *mapping;

  g_return_val_if_fail (self != NULL, NULL);

  mapping = aud_import_mapping_new (kind);
  mapping->read.format = self->sniff->format;
  mapping->read.encoding = self->sniff->encoding;
  if (self->sniff->format == AUD_FILE_FORMAT_CSV)
    {
      mapping->read.delimiter = self->sniff->delimiter;
      mapping->read.quote = self->sniff->quote;
      mapping->read.header = self->sniff->has_header ? AUD_HEADER_YES : AUD_HEADER_NO;
    }
  mapping->blank_markers = g_strdupv (self->blank_markers);

  for (guint i = 0; i < self->guesses->len; i++)
    {
      AudColumnGuess *guess = self->guesses->pdata[i];

      aud_import_mapping_add_column (mapping, guess->name, &guess->format, guess->role);
    }

  mapping->id_column = g_strdup (find_role (self, AUD_ROLE_CUSTOMER_ID));

  if (kind == AUD_IMPORT_EVENTS)
    {
      const char *time_column = find_role (self, AUD_ROLE_EVENT_TIME);

      if (time_column == NULL)
        time_column = find_type (self, AUD_FIELD_DATETIME);
      if (time_column == NULL)
        time_column = find_type (self, AUD_FIELD_DATE);

      mapping->time_column = g_strdup (time_column);
      mapping->event_column = g_strdup (find_role (self, AUD_ROLE_EVENT_NAME));

      if (mapping->event_column == NULL)
        {
          g_autofree char *base = g_path_get_basename (self->path);
          char *dot = strchr (base, '.');

          if (dot != NULL && dot != base)
            *dot = '\0';
          mapping->event_name = g_steal_pointer (&base);
        }
    }

  return mapping;
}

/* ------------------------------------------------------------------ */
/* Summary                                                              */

G_DEFINE_BOXED_TYPE (AudImportSummary, aud_import_summary,
                     aud_import_summary_copy, aud_import_summary_free)

static void
reject_group_free (AudRejectGroup *group)
{
  g_free (group->reason);
  g_free (group);
}

static AudImportSummary *
summary_new (void)
{
  AudImportSummary *summary = g_new0 (AudImportSummary, 1);

  summary->reject_groups = g_ptr_array_new_with_free_func ((GDestroyNotify)reject_group_free);
  summary->notes = g_ptr_array_new_with_free_func (g_free);

  return summary;
}

AudImportSummary *
aud_import_summary_copy (const AudImportSummary *summary)
{
  AudImportSummary *copy;

  g_return_val_if_fail (summary != NULL, NULL);

  copy = g_memdup2 (summary, sizeof *summary);
  copy->file = g_strdup (summary->file);
  copy->sha256 = g_strdup (summary->sha256);
  copy->reject_groups = g_ptr_array_new_with_free_func ((GDestroyNotify)reject_group_free);
  copy->notes = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < summary->reject_groups->len; i++)
    {
      AudRejectGroup *group = g_memdup2 (summary->reject_groups->pdata[i], sizeof *group);

      group->reason = g_strdup (group->reason);
      g_ptr_array_add (copy->reject_groups, group);
    }

  for (guint i = 0; i < summary->notes->len; i++)
    g_ptr_array_add (copy->notes, g_strdup (summary->notes->pdata[i]));

  return copy;
}

void
aud_import_summary_free (AudImportSummary *summary)
{
  if (summary == NULL)
    return;

  g_free (summary->file);
  g_free (summary->sha256);
  g_ptr_array_unref (summary->reject_groups);
  g_ptr_array_unref (summary->notes);
  g_free (summary);
}

char *
aud_import_summary_to_text (const AudImportSummary *self)
{
  GString *text;
  g_autofree char *base = NULL;
  g_autofree char *inserted = NULL;
  g_autofree char *updated = NULL;
  g_autofree char *rejected = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  text = g_string_new (NULL);
  base = g_path_get_basename (self->file != NULL ? self->file : "");
  inserted = aud_value_format_count (self->rows_inserted);
  updated = aud_value_format_count (self->rows_updated);
  rejected = aud_value_format_count (self->rows_rejected);

  if (self->kind == AUD_IMPORT_CUSTOMERS)
    {
      guint64 n = self->rows_inserted + self->rows_updated;
      g_autofree char *total = aud_value_format_count (n);

      /* Translators: "Imported 7,043 customers (7,043 new, 0 updated) from
       * telco.csv; 0 rows rejected" */
      g_string_append_printf (text,
                              g_dngettext (GETTEXT_PACKAGE,
                                           "Imported %s customer (%s new, %s updated) from %s; "
                                           "%s rows rejected",
                                           "Imported %s customers (%s new, %s updated) from %s; "
                                           "%s rows rejected",
                                           n),
                              total, inserted, updated, base, rejected);
    }
  else
    {
      /* Translators: "Imported 406,829 events from retail.csv; 135,080 rows
       * rejected" */
      g_string_append_printf (text,
                              g_dngettext (GETTEXT_PACKAGE,
                                           "Imported %s event from %s; %s rows rejected",
                                           "Imported %s events from %s; %s rows rejected",
                                           self->rows_inserted),
                              inserted, base, rejected);
    }
  g_string_append_c (text, '\n');

  if (self->rows_unknown_customer > 0)
    {
      g_autofree char *events = aud_value_format_count (self->rows_unknown_customer);
      g_autofree char *ids = aud_value_format_count (self->unknown_customers);

      g_string_append_printf (text,
                              g_dngettext (GETTEXT_PACKAGE,
                                           "%s event has a customer id that is not a customer "
                                           "(%s distinct ids); it was kept without a customer",
                                           "%s events have a customer id that is not a customer "
                                           "(%s distinct ids); they were kept without a customer",
                                           self->rows_unknown_customer),
                              events, ids);
      g_string_append_c (text, '\n');
    }

  if (self->customers_created > 0)
    {
      g_autofree char *n = aud_value_format_count (self->customers_created);

      g_string_append_printf (text,
                              g_dngettext (GETTEXT_PACKAGE,
                                           "Created %s customer from the events",
                                           "Created %s customers from the events",
                                           self->customers_created),
                              n);
      g_string_append_c (text, '\n');
    }

  if (self->events_linked > 0)
    {
      g_autofree char *n = aud_value_format_count (self->events_linked);

      g_string_append_printf (text,
                              g_dngettext (GETTEXT_PACKAGE,
                                           "Linked %s earlier event to its customer",
                                           "Linked %s earlier events to their customers",
                                           self->events_linked),
                              n);
      g_string_append_c (text, '\n');
    }

  for (guint i = 0; i < self->notes->len; i++)
    g_string_append_printf (text, "%s\n", (const char *)self->notes->pdata[i]);

  for (guint i = 0; i < self->reject_groups->len; i++)
    {
      AudRejectGroup *group = self->reject_groups->pdata[i];
      g_autofree char *count = aud_value_format_count (group->count);
      g_autofree char *line = aud_value_format_count (group->first_line);

      /* Translators: "Rejected 135,080 rows: CustomerID is blank (first at
       * line 1,444)" */
      g_string_append_printf (text,
                              g_dngettext (GETTEXT_PACKAGE,
                                           "Rejected %s row: %s (line %s)",
                                           "Rejected %s rows: %s (first at line %s)",
                                           group->count),
                              count, group->reason, line);
      g_string_append_c (text, '\n');
    }

  return g_string_free (text, FALSE);
}

/* ------------------------------------------------------------------ */
/* Run                                                                  */

typedef enum
{
  USE_SKIP,
  USE_FIELD,
  USE_ID,
  USE_NAME,
  USE_TIME,
} ColumnUse;

/* Where the cells of one column go: a field (customers) or property
 * (events), or a profile field of created customers. */
typedef struct
{
  AudField        *field;   /* owned; NULL: nowhere. The store updates its
                             * type and scale in place on fallbacks. */
  AudColumnFormat  format;  /* how cells are read now; follows the field */
  int              param;   /* its parameter in the statement */
} Target;

typedef struct
{
  char      *name;
  ColumnUse  use;
  Target     value;
  Target     profile;
} Column;

/* ------------------------------------------------------------------ */
/* Feeder: the reader on a thread of its own                            */

/* Parsing the file takes about as long as storing the rows, so the reader
 * runs on a second thread and hands rows over in batches: copies of the
 * rows packed in one buffer each, recycled, so memory stays flat and there
 * is no allocation per row. The reader is only touched by that thread
 * until feeder_stop(). */

#define BATCH_ROWS 1024
#define BATCH_BYTES (1024 * 1024)
#define N_BATCHES 4

/* One row of a batch; texts are offsets in Batch.text (-1: NULL). */
typedef struct
{
  guint64        line;
  guint64        number;
  AudRowProblem  problem;
  gssize         problem_text;
  gssize         raw;
  gsize          raw_length;
  guint          n_cells;
  guint          first_cell;
} RowRef;

typedef struct
{
  GArray     *rows;         /* RowRef */
  GArray     *offsets;      /* gssize per cell, -1 for a missing cell */
  GByteArray *text;
  GPtrArray  *cells;        /* char *, made from offsets by the consumer */
  GStrv       columns;      /* the reader's columns after this batch, when they grew */
  guint64     bytes_read;   /* the reader's position after this batch */
  gboolean    end;          /* no rows after this batch */
  GError     *error;        /* set with @end on a fatal read error */
} Batch;

typedef struct
{
  AudReader    *reader;     /* borrowed; the feeder thread's until stopped */
  GThread      *thread;
  GAsyncQueue  *full;       /* Batch, to the importer */
  GAsyncQueue  *empty;      /* Batch, back to the feeder */
  Batch        *batches[N_BATCHES];
  int           stop;       /* atomic */

  /* the importer's side */
  Batch        *current;
  guint         position;
  AudRow        row;
  guint64       bytes_read;
  GStrv         columns;
  guint         n_columns;
} Feeder;

static gssize
batch_add_text (Batch      *batch,
                const char *text,
                gsize       length)
{
  gssize offset = batch->text->len;

  g_byte_array_append (batch->text, (const guint8 *)text, length);
  g_byte_array_append (batch->text, (const guint8 *)"", 1);

  return offset;
}

static void
batch_add_row (Batch        *batch,
               const AudRow *row)
{
  RowRef ref = { 0, };

  ref.line = row->line;
  ref.number = row->number;
  ref.problem = row->problem;
  ref.problem_text = row->problem_text != NULL ?
                     batch_add_text (batch, row->problem_text, strlen (row->problem_text)) : -1;
  ref.raw = row->raw != NULL ? batch_add_text (batch, row->raw, row->raw_length) : -1;
  ref.raw_length = row->raw_length;
  ref.n_cells = row->n_cells;
  ref.first_cell = batch->offsets->len;

  for (guint i = 0; i < row->n_cells; i++)
    {
      const char *cell = row->cells[i];
      gssize offset = cell != NULL ? batch_add_text (batch, cell, strlen (cell)) : -1;

      g_array_append_val (batch->offsets, offset);
    }

  g_array_append_val (batch->rows, ref);
}

static gpointer
feeder_thread (gpointer data)
{
  Feeder *self = data;
  guint n_columns = 0;

  aud_reader_get_columns (self->reader, &n_columns);

  for (;;)
    {
      Batch *batch = g_async_queue_pop (self->empty);
      const char * const *columns;
      guint n;

      if (g_atomic_int_get (&self->stop))
        break;

      g_array_set_size (batch->rows, 0);
      g_array_set_size (batch->offsets, 0);
      g_byte_array_set_size (batch->text, 0);
      g_clear_pointer (&batch->columns, g_strfreev);

      while (batch->rows->len < BATCH_ROWS && batch->text->len < BATCH_BYTES)
        {
          AudRow *row;

          if (!aud_reader_next (self->reader, &row, &batch->error))
            {
              batch->end = TRUE;
              break;
            }
          batch_add_row (batch, row);
        }

      columns = aud_reader_get_columns (self->reader, &n);
      if (n != n_columns)
        {
          batch->columns = g_strdupv ((char **)columns);
          n_columns = n;
        }
      batch->bytes_read = aud_reader_get_bytes_read (self->reader);

      g_async_queue_push (self->full, batch);
      if (batch->end)
        break;
    }

  return NULL;
}

static void
batch_free (Batch *batch)
{
  g_array_unref (batch->rows);
  g_array_unref (batch->offsets);
  g_byte_array_unref (batch->text);
  g_ptr_array_unref (batch->cells);
  g_strfreev (batch->columns);
  g_clear_error (&batch->error);
  g_free (batch);
}

static Feeder *
feeder_start (AudReader *reader)
{
  Feeder *self = g_new0 (Feeder, 1);
  const char * const *columns;

  self->reader = reader;
  self->full = g_async_queue_new ();
  self->empty = g_async_queue_new ();

  columns = aud_reader_get_columns (reader, &self->n_columns);
  self->columns = g_strdupv ((char **)columns);

  for (guint i = 0; i < N_BATCHES; i++)
    {
      Batch *batch = g_new0 (Batch, 1);

      batch->rows = g_array_sized_new (FALSE, FALSE, sizeof (RowRef), BATCH_ROWS);
      batch->offsets = g_array_new (FALSE, FALSE, sizeof (gssize));
      batch->text = g_byte_array_sized_new (BATCH_BYTES + 64 * 1024);
      batch->cells = g_ptr_array_new ();
      self->batches[i] = batch;
      g_async_queue_push (self->empty, batch);
    }

  self->thread = g_thread_new ("aud-import-read", feeder_thread, self);

  return self;
}

/* Like aud_reader_next(), for the importer's thread. */
static gboolean
feeder_next (Feeder  *self,
             AudRow **row,
             GError **error)
{
  const RowRef *ref;
  Batch *batch;

  while (self->current == NULL || self->position == self->current->rows->len)
    {
      if (self->current != NULL)
        {
          if (self->current->end)
            {
              *row = NULL;
              if (self->current->error != NULL)
                {
                  g_propagate_error (error, g_steal_pointer (&self->current->error));
                  return FALSE;
                }
              return FALSE;
            }
          g_async_queue_push (self->empty, g_steal_pointer (&self->current));
        }

      batch = self->current = g_async_queue_pop (self->full);
      self->position = 0;
      self->bytes_read = batch->bytes_read;

      g_ptr_array_set_size (batch->cells, batch->offsets->len);
      for (guint i = 0; i < batch->offsets->len; i++)
        {
          gssize offset = g_array_index (batch->offsets, gssize, i);

          batch->cells->pdata[i] = offset >= 0 ? (char *)batch->text->data + offset : NULL;
        }

      if (batch->columns != NULL)
        {
          g_strfreev (self->columns);
          self->columns = g_steal_pointer (&batch->columns);
          self->n_columns = g_strv_length (self->columns);
        }
    }

  batch = self->current;
  ref = &g_array_index (batch->rows, RowRef, self->position++);

  self->row.line = ref->line;
  self->row.number = ref->number;
  self->row.problem = ref->problem;
  self->row.problem_text = ref->problem_text >= 0 ?
                           (const char *)batch->text->data + ref->problem_text : NULL;
  self->row.raw = ref->raw >= 0 ? (const char *)batch->text->data + ref->raw : NULL;
  self->row.raw_length = ref->raw_length;
  self->row.n_cells = ref->n_cells;
  self->row.cells = (char **)batch->cells->pdata + ref->first_cell;

  *row = &self->row;
  return TRUE;
}

/* Stops and joins the feeder thread and frees it; the reader is the
 * caller's again. */
static void
feeder_free (Feeder *self)
{
  Batch *batch;

  g_atomic_int_set (&self->stop, TRUE);

  /* Wake the thread if it waits for an empty batch; if it is reading, it
   * stops after pushing its batch. */
  if (self->current != NULL)
    g_async_queue_push (self->empty, g_steal_pointer (&self->current));
  while ((batch = g_async_queue_try_pop (self->full)) != NULL)
    g_async_queue_push (self->empty, batch);

  g_thread_join (self->thread);

  for (guint i = 0; i < N_BATCHES; i++)
    batch_free (self->batches[i]);
  g_async_queue_unref (self->full);
  g_async_queue_unref (self->empty);
  g_strfreev (self->columns);
  g_free (self);
}

/* SHA-256 of the file, computed by a second thread while the first one
 * imports: the file is read twice but the hash costs no import time. */
typedef struct
{
  char         *path;
  GCancellable *stop;
  GThread      *thread;
  char         *sha256;
  GError       *error;
} Hasher;

typedef struct
{
  /* borrowed */
  AudStore               *store;
  sqlite3                *db;
  const AudImportMapping *mapping;
  GCancellable           *cancellable;
  AudProgress            *progress;
  GTimeZone              *tz;
  const char * const     *blanks;

  /* owned */
  AudReader              *reader;
  Feeder                 *feeder;       /* reads @reader while importing */
  GArray                 *columns;      /* Column, in file order */
  sqlite3_stmt           *insert;       /* customers: the upsert; events: the insert */
  sqlite3_stmt           *create;       /* events with create_customers: a new customer */
  sqlite3_stmt           *reject;
  GHashTable             *customers;    /* events: external id -> row id */
  GHashTable             *unknown;      /* events: distinct unknown customer ids */
  GStringChunk           *keys;         /* the keys of both */
  GHashTable             *names;        /* events: event name -> id */
  GHashTable             *groups;       /* reject reason -> AudRejectGroup (in summary) */
  GPtrArray              *new_fields[2]; /* names of the fields added, by AudScope */
  GString                *id_buffer;
  GString                *name_buffer;
  char                   *blank_id;     /* reject reasons, made once */
  char                   *blank_name;
  char                   *blank_time;
  char                   *bad_time;
  Hasher                 *hasher;
  AudImportSummary       *summary;

  int                     id_index;
  int                     name_index;
  int                     time_index;
  AudColumnFormat         time_format;
  gint64                  event_name_id;  /* the fixed event name, or -1 */
  guint64                 last_number;    /* customers by row number: the last one */
  gboolean                stale;          /* statements need rebuilding */
  gint64                  last_progress;
} Import;

static void
column_clear (Column *column)
{
  g_free (column->name);
  g_clear_pointer (&column->value.field, aud_field_free);
  g_clear_pointer (&column->profile.field, aud_field_free);
}

static gpointer
hash_thread (gpointer data)
{
  Hasher *hasher = data;
  g_autoptr(GFile) file = g_file_new_for_path (hasher->path);
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guint8 *buffer = g_malloc (HASH_CHUNK);

  stream = g_file_read (file, hasher->stop, &hasher->error);
  if (stream == NULL)
    return NULL;

  for (;;)
    {
      gssize n = g_input_stream_read (G_INPUT_STREAM (stream), buffer, HASH_CHUNK,
                                      hasher->stop, &hasher->error);

      if (n < 0)
        return NULL;
      if (n == 0)
        break;
      g_checksum_update (checksum, buffer, n);
    }

  hasher->sha256 = g_strdup (g_checksum_get_string (checksum));
  return NULL;
}

static Hasher *
hasher_start (const char *path)
{
  Hasher *hasher = g_new0 (Hasher, 1);

  hasher->path = g_strdup (path);
  hasher->stop = g_cancellable_new ();
  hasher->thread = g_thread_new ("aud-import-sha256", hash_thread, hasher);

  return hasher;
}

/* Waits for the hash; returns it (transfer full) or NULL with @error set. */
static char *
hasher_finish (Hasher  *hasher,
               GError **error)
{
  g_clear_pointer (&hasher->thread, g_thread_join);

  if (hasher->sha256 == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&hasher->error));
      return NULL;
    }

  return g_steal_pointer (&hasher->sha256);
}

static void
hasher_free (Hasher *hasher)
{
  g_cancellable_cancel (hasher->stop);
  g_clear_pointer (&hasher->thread, g_thread_join);
  g_clear_object (&hasher->stop);
  g_clear_error (&hasher->error);
  g_free (hasher->sha256);
  g_free (hasher->path);
  g_free (hasher);
}

static void
import_clear (Import *self)
{
  g_clear_pointer (&self->feeder, feeder_free);

  if (self->columns != NULL)
    {
      for (guint i = 0; i < self->columns->len; i++)
        column_clear (&g_array_index (self->columns, Column, i));
      g_array_unref (self->columns);
    }
  g_clear_pointer (&self->insert, sqlite3_finalize);
  g_clear_pointer (&self->create, sqlite3_finalize);
  g_clear_pointer (&self->reject, sqlite3_finalize);
  g_clear_pointer (&self->customers, g_hash_table_unref);
  g_clear_pointer (&self->unknown, g_hash_table_unref);
  g_clear_pointer (&self->keys, g_string_chunk_free);
  g_clear_pointer (&self->names, g_hash_table_unref);
  g_clear_pointer (&self->groups, g_hash_table_unref);
  g_clear_pointer (&self->new_fields[AUD_SCOPE_CUSTOMER], g_ptr_array_unref);
  g_clear_pointer (&self->new_fields[AUD_SCOPE_EVENT], g_ptr_array_unref);
  if (self->id_buffer != NULL)
    g_string_free (self->id_buffer, TRUE);
  if (self->name_buffer != NULL)
    g_string_free (self->name_buffer, TRUE);
  g_free (self->blank_id);
  g_free (self->blank_name);
  g_free (self->blank_time);
  g_free (self->bad_time);
  g_clear_pointer (&self->hasher, hasher_free);
  g_clear_pointer (&self->summary, aud_import_summary_free);
  g_clear_object (&self->reader);
}

static void
add_note (Import *self,
          char   *note)
{
  g_debug ("%s", note);
  g_ptr_array_add (self->summary->notes, note);
}

/* @text cut to NOTE_VALUE_CHARS characters for a note. */
static char *
quote_value (const char *text)
{
  if (g_utf8_strlen (text, -1) <= NOTE_VALUE_CHARS)
    return g_strdup (text);

  {
    g_autofree char *head = g_utf8_substring (text, 0, NOTE_VALUE_CHARS);

    return g_strconcat (head, "…", NULL);
  }
}

static gboolean
is_number_type (AudFieldType type)
{
  return type == AUD_FIELD_INTEGER || type == AUD_FIELD_DECIMAL;
}

/* How to read a column into an existing @field: as its type, with the
 * file's number or date format where the types agree. */
static AudColumnFormat
format_for_field (const AudField        *field,
                  const AudColumnFormat *file)
{
  AudColumnFormat format = { 0, };

  format.type = field->type;
  format.number = AUD_NUMBER_FORMAT_PLAIN;
  format.date_order = file->date_order;

  if (is_number_type (field->type) && is_number_type (file->type))
    format.number = file->number;
  if (field->type == AUD_FIELD_DATETIME && file->type == AUD_FIELD_DATETIME)
    format.epoch = file->epoch;
  if (field->type == AUD_FIELD_DECIMAL)
    format.scale = field->scale;

  return format;
}

/* Finds or adds the field @name of @scope for @spec and sets @target. */
static gboolean
plan_target (Import                *self,
             Target                *target,
             AudScope               scope,
             const AudImportColumn *spec,
             GError               **error)
{
  const char *name = column_field_name (spec);
  AudField *field;

  field = aud_store_dup_field (self->store, scope, name);
  if (field != NULL)
    {
      target->field = field;
      target->format = format_for_field (field, &spec->format);

      if (field->role == AUD_ROLE_NONE && spec->role != AUD_ROLE_NONE &&
          !aud_store_set_field_role (self->store, field, spec->role, error))
        return FALSE;

      return TRUE;
    }

  field = aud_store_add_field (self->store, scope, name, spec->format.type, spec->role,
                               spec->format.type == AUD_FIELD_DECIMAL ? spec->format.scale : 0,
                               error);
  if (field == NULL)
    return FALSE;

  target->field = field;
  target->format = spec->format;
  g_ptr_array_add (self->new_fields[scope], g_strdup (name));

  return TRUE;
}

/* The time column is read as a date-time: a date means midnight, integers
 * are UNIX seconds. */
static AudColumnFormat
time_format (const AudImportColumn *spec)
{
  AudColumnFormat format = { 0, };

  format.type = AUD_FIELD_DATETIME;
  format.number = AUD_NUMBER_FORMAT_PLAIN;

  if (spec != NULL)
    {
      format.date_order = spec->format.date_order;
      format.epoch = spec->format.epoch || is_number_type (spec->format.type);
    }

  return format;
}

/* Decides what to do with the columns from @from to @to (all of them at
 * the start; JSON keys first seen at @line later). Adds the fields
 * needed. */
static gboolean
plan_columns (Import  *self,
              guint    from,
              guint    to,
              guint64  line,
              GError **error)
{
  const AudImportMapping *mapping = self->mapping;
  const char * const *names = (const char * const *)self->feeder->columns;
  guint n_names = MIN (to, self->feeder->n_columns);

  for (guint i = from; i < n_names; i++)
    {
      const AudImportColumn *spec = aud_import_mapping_get_column (mapping, names[i]);
      AudImportColumn fallback = { (char *)names[i], };
      Column column = { 0, };

      column.name = g_strdup (names[i]);

      if (g_strcmp0 (names[i], mapping->id_column) == 0)
        {
          column.use = USE_ID;
          self->id_index = i;
        }
      else if (mapping->kind == AUD_IMPORT_EVENTS && g_strcmp0 (names[i], mapping->event_column) == 0)
        {
          column.use = USE_NAME;
          self->name_index = i;
        }
      else if (mapping->kind == AUD_IMPORT_EVENTS && g_strcmp0 (names[i], mapping->time_column) == 0)
        {
          column.use = USE_TIME;
          self->time_index = i;
          self->time_format = time_format (spec);
        }
      else
        {
          if (spec == NULL)
            {
              g_autofree char *at = aud_value_format_count (line);

              fallback.format.number = AUD_NUMBER_FORMAT_PLAIN;
              spec = &fallback;
              add_note (self,
                        line > 0 ?
                        g_strdup_printf (_("Column “%s” first appears at line %s and is not in "
                                           "the mapping; it was imported as text"),
                                         names[i], at) :
                        g_strdup_printf (_("Column “%s” is not in the mapping; it was imported "
                                           "as text"),
                                         names[i]));
            }

          column.use = spec->skip ? USE_SKIP : USE_FIELD;

          if (!spec->skip &&
              !plan_target (self, &column.value,
                            mapping->kind == AUD_IMPORT_CUSTOMERS ? AUD_SCOPE_CUSTOMER :
                            AUD_SCOPE_EVENT,
                            spec, error))
            {
              column_clear (&column);
              return FALSE;
            }

          if (mapping->kind == AUD_IMPORT_EVENTS && mapping->create_customers && spec->profile &&
              !plan_target (self, &column.profile, AUD_SCOPE_CUSTOMER, spec, error))
            {
              column_clear (&column);
              return FALSE;
            }
        }

      g_array_append_val (self->columns, column);
    }

  self->stale = TRUE;
  return TRUE;
}

/* Appends ", c12" to @sql and ", ?7" to @values for each column that goes
 * to a field (to a profile field when @profile), numbering the parameters
 * from @param, and "c12 = excluded.c12" to @updates unless NULL. Column
 * names come from the store ("c12", "p3"), never from the file. */
static void
append_targets (Import   *self,
                gboolean  profile,
                int       param,
                GString  *sql,
                GString  *values,
                GString  *updates)
{
  for (guint i = 0; i < self->columns->len; i++)
    {
      Column *column = &g_array_index (self->columns, Column, i);
      Target *target = profile ? &column->profile : &column->value;
      const char *name;

      if (target->field == NULL)
        continue;

      name = target->field->column;
      target->param = param++;
      g_string_append_printf (sql, ", %s", name);
      g_string_append_printf (values, ", ?%d", target->param);
      if (updates != NULL)
        g_string_append_printf (updates, "%s%s = excluded.%s",
                                updates->len > 0 ? ", " : "", name, name);
    }
}

/* (Re)prepares the statements for the current columns. */
static gboolean
build_statements (Import  *self,
                  GError **error)
{
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autoptr(GString) values = g_string_new (NULL);
  g_autoptr(GString) updates = g_string_new (NULL);

  g_clear_pointer (&self->insert, sqlite3_finalize);
  g_clear_pointer (&self->create, sqlite3_finalize);

  if (self->mapping->kind == AUD_IMPORT_CUSTOMERS)
    {
      g_string_append (sql, "INSERT INTO customers (external_id");
      g_string_append (values, "?1");
      append_targets (self, FALSE, 2, sql, values, updates);

      /* No RETURNING (it costs a temporary table per row): an insert sets
       * the last insert rowid, an update does not. */
      g_string_append_printf (sql, ") VALUES (%s) ON CONFLICT (external_id) DO UPDATE SET %s",
                              values->str,
                              updates->len > 0 ? updates->str : "external_id = excluded.external_id");

      self->insert = aud_store_prepare (self->store, sql->str, error);
      if (self->insert == NULL)
        return FALSE;
    }
  else
    {
      g_string_append (sql, "INSERT INTO events (customer, customer_key, name, ts, import");
      g_string_append (values, "?1, ?2, ?3, ?4, ?5");
      append_targets (self, FALSE, 6, sql, values, NULL);
      g_string_append_printf (sql, ") VALUES (%s)", values->str);

      self->insert = aud_store_prepare (self->store, sql->str, error);
      if (self->insert == NULL)
        return FALSE;
      sqlite3_bind_int64 (self->insert, 5, self->summary->import_id);

      if (self->mapping->create_customers)
        {
          g_string_assign (sql, "INSERT INTO customers (external_id");
          g_string_assign (values, "?1");
          append_targets (self, TRUE, 2, sql, values, NULL);
          g_string_append_printf (sql, ") VALUES (%s)", values->str);

          self->create = aud_store_prepare (self->store, sql->str, error);
          if (self->create == NULL)
            return FALSE;
        }
    }

  self->stale = FALSE;
  return TRUE;
}

static const char *
problem_group (AudRowProblem problem)
{
  switch (problem)
    {
    case AUD_ROW_PROBLEM_FIELD_COUNT:
      return _("Wrong number of fields");
    case AUD_ROW_PROBLEM_INVALID_TEXT:
      return _("Text that is not valid in the file’s encoding");
    case AUD_ROW_PROBLEM_FIELD_TOO_LONG:
      return _("A field longer than 1 MiB");
    case AUD_ROW_PROBLEM_QUOTING:
      return _("Malformed quoting");
    case AUD_ROW_PROBLEM_SYNTAX:
      return _("Invalid JSON");
    case AUD_ROW_PROBLEM_NOT_AN_OBJECT:
      return _("A JSON record that is not an object");
    case AUD_ROW_PROBLEM_NONE:
    default:
      return _("Unreadable row");
    }
}

/* Stores @row in the reject table with @reason, counted under @group. */
static gboolean
reject_row (Import       *self,
            const AudRow *row,
            const char   *group,
            const char   *reason,
            GError      **error)
{
  AudRejectGroup *entry;

  if (self->reject == NULL)
    {
      self->reject = aud_store_prepare (self->store,
                                        "INSERT INTO rejects (import, line, reason, raw) "
                                        "VALUES (?1, ?2, ?3, ?4)",
                                        error);
      if (self->reject == NULL)
        return FALSE;
      sqlite3_bind_int64 (self->reject, 1, self->summary->import_id);
    }

  sqlite3_bind_int64 (self->reject, 2, row->line);
  sqlite3_bind_text (self->reject, 3, reason, -1, SQLITE_STATIC);
  if (row->raw == NULL)
    sqlite3_bind_null (self->reject, 4);
  else if (g_utf8_validate (row->raw, row->raw_length, NULL))
    sqlite3_bind_text (self->reject, 4, row->raw, row->raw_length, SQLITE_STATIC);
  else
    sqlite3_bind_text (self->reject, 4, g_utf8_make_valid (row->raw, row->raw_length), -1,
                       g_free);

  if (!aud_store_step_done (self->store, self->reject, error))
    return FALSE;

  self->summary->rows_rejected++;

  entry = g_hash_table_lookup (self->groups, group);
  if (entry == NULL)
    {
      entry = g_new0 (AudRejectGroup, 1);
      entry->reason = g_strdup (group);
      entry->first_line = row->line;
      g_ptr_array_add (self->summary->reject_groups, entry);
      g_hash_table_insert (self->groups, entry->reason, entry);
    }
  entry->count++;

  return TRUE;
}

static const char *
cell_at (const AudRow *row,
         int           index)
{
  return index >= 0 && (guint)index < row->n_cells ? row->cells[index] : NULL;
}

/* The cell at @index without surrounding white space, NUL-terminated (in
 * @buffer when it had to be cut), or NULL when blank. */
static const char *
key_at (Import       *self,
        const AudRow *row,
        int           index,
        GString      *buffer)
{
  const char *text = cell_at (row, index);
  const char *end;

  if (aud_value_is_blank (text, self->blanks))
    return NULL;

  end = text + strlen (text);
  if (!g_ascii_isspace (text[0]) && !g_ascii_isspace (end[-1]))
    return text;

  while (g_ascii_isspace (*text))
    text++;
  while (end > text && g_ascii_isspace (end[-1]))
    end--;

  g_string_truncate (buffer, 0);
  g_string_append_len (buffer, text, end - text);
  return buffer->str;
}

static char *
mismatch_note (const AudField *field,
               AudFieldType    type,
               guint64         line,
               const char     *text)
{
  g_autofree char *at = aud_value_format_count (line);
  g_autofree char *value = quote_value (text);

  /* Translators: "“Income” changed to text at line 5,021: “n/a” is not a
   * decimal number" */
  switch (type)
    {
    case AUD_FIELD_INTEGER:
      return g_strdup_printf (_("“%s” changed to text at line %s: “%s” is not a whole number"),
                              field->name, at, value);
    case AUD_FIELD_DECIMAL:
      return g_strdup_printf (_("“%s” changed to text at line %s: “%s” is not a decimal number"),
                              field->name, at, value);
    case AUD_FIELD_DATE:
      return g_strdup_printf (_("“%s” changed to text at line %s: “%s” is not a date"),
                              field->name, at, value);
    case AUD_FIELD_DATETIME:
      return g_strdup_printf (_("“%s” changed to text at line %s: “%s” is not a date and time"),
                              field->name, at, value);
    case AUD_FIELD_BOOLEAN:
      return g_strdup_printf (_("“%s” changed to text at line %s: “%s” is not yes or no"),
                              field->name, at, value);
    case AUD_FIELD_TEXT:
    case AUD_FIELD_CATEGORY:
    default:
      return g_strdup_printf (_("“%s” changed to text at line %s: “%s” does not fit"),
                              field->name, at, value);
    }
}

/* Binds @text, read by @target's format, at its parameter of @stmt. A value
 * that does not fit turns the field into text (or gives a decimal field
 * more decimals) first, with a note. Fails only on a store error. */
static gboolean
bind_cell (Import       *self,
           sqlite3_stmt *stmt,
           Target       *target,
           const char   *text,
           guint64       line,
           GError      **error)
{
  AudConvertResult result;
  AudValue value;

  result = aud_column_format_convert (&target->format, text, self->tz, self->blanks, &value);

  if (G_UNLIKELY (result != AUD_CONVERT_OK))
    {
      if (result == AUD_CONVERT_BLANK)
        {
          sqlite3_bind_null (stmt, target->param);
          return TRUE;
        }

      if (result == AUD_CONVERT_NEEDS_SCALE)
        {
          g_autofree char *at = aud_value_format_count (line);
          g_autofree char *quoted = quote_value (text);

          if (!aud_store_rescale_field (self->store, target->field, value.scale, error))
            return FALSE;

          target->format.scale = value.scale;
          add_note (self, g_strdup_printf (_("“%s” now keeps %u decimals (line %s: “%s”)"),
                                           target->field->name, value.scale, at, quoted));
        }
      else
        {
          AudFieldType was = target->field->type;

          if (!aud_store_convert_field_to_text (self->store, target->field, error))
            return FALSE;

          target->format = (AudColumnFormat) { AUD_FIELD_TEXT, AUD_NUMBER_FORMAT_PLAIN, };
          add_note (self, mismatch_note (target->field, was, line, text));
          sqlite3_bind_text (stmt, target->param, text, -1, SQLITE_STATIC);
          return TRUE;
        }
    }

  switch (value.type)
    {
    case AUD_FIELD_TEXT:
    case AUD_FIELD_CATEGORY:
      sqlite3_bind_text (stmt, target->param, value.text, -1, SQLITE_STATIC);
      break;

    case AUD_FIELD_DATE:
      sqlite3_bind_text (stmt, target->param, value.text, -1, SQLITE_TRANSIENT);
      break;

    case AUD_FIELD_DECIMAL:
      /* The value comes at the format's scale; be exact if it ever does not. */
      if (G_UNLIKELY (value.scale != target->format.scale) &&
          (value.scale > target->format.scale ||
           !aud_value_rescale (value.integer, value.scale, target->format.scale, &value.integer)))
        {
          g_set_error (error, AUD_IMPORTER_ERROR, AUD_IMPORTER_ERROR_FAILED,
                       _("“%s” at line %llu cannot be stored with %u decimals"),
                       text, (unsigned long long)line, target->format.scale);
          return FALSE;
        }
      sqlite3_bind_int64 (stmt, target->param, value.integer);
      break;

    case AUD_FIELD_INTEGER:
    case AUD_FIELD_DATETIME:
    case AUD_FIELD_BOOLEAN:
    default:
      sqlite3_bind_int64 (stmt, target->param, value.integer);
      break;
    }

  return TRUE;
}

static gboolean
step_insert (Import       *self,
             sqlite3_stmt *stmt,
             GError      **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE)
    {
      aud_store_set_error (self->store, rc, error);
      sqlite3_reset (stmt);
      return FALSE;
    }

  sqlite3_reset (stmt);
  return TRUE;
}

static gboolean
import_customer (Import  *self,
                 AudRow  *row,
                 GError **error)
{
  char number[32];
  const char *id;

  if (self->id_index >= 0 || self->mapping->id_column != NULL)
    {
      id = key_at (self, row, self->id_index, self->id_buffer);
      if (id == NULL)
        return reject_row (self, row, self->blank_id, self->blank_id, error);
    }
  else
    {
      g_snprintf (number, sizeof number, "%" G_GUINT64_FORMAT, row->number);
      id = number;
      self->last_number = row->number;
    }

  sqlite3_bind_text (self->insert, 1, id, -1, SQLITE_STATIC);

  for (guint i = 0; i < self->columns->len; i++)
    {
      Column *column = &g_array_index (self->columns, Column, i);

      if (column->value.field != NULL &&
          !bind_cell (self, self->insert, &column->value, cell_at (row, i), row->line, error))
        return FALSE;
    }

  sqlite3_set_last_insert_rowid (self->db, 0);
  if (!step_insert (self, self->insert, error))
    return FALSE;

  if (sqlite3_last_insert_rowid (self->db) != 0)
    self->summary->rows_inserted++;
  else
    self->summary->rows_updated++;

  return TRUE;
}

/* A new customer @id with the profile fields of @row; returns its row id,
 * or -1 with @error set. */
static gint64
create_customer (Import     *self,
                 AudRow     *row,
                 const char *id,
                 GError    **error)
{
  sqlite3_bind_text (self->create, 1, id, -1, SQLITE_STATIC);

  for (guint i = 0; i < self->columns->len; i++)
    {
      Column *column = &g_array_index (self->columns, Column, i);

      if (column->profile.field != NULL &&
          !bind_cell (self, self->create, &column->profile, cell_at (row, i), row->line, error))
        return -1;
    }

  if (!step_insert (self, self->create, error))
    return -1;

  self->summary->customers_created++;
  return sqlite3_last_insert_rowid (self->db);
}

static gint64
event_name_id (Import     *self,
               const char *name,
               GError    **error)
{
  gpointer value;
  gint64 id;

  if (g_hash_table_lookup_extended (self->names, name, NULL, &value))
    return GPOINTER_TO_SIZE (value);

  id = aud_store_intern_event_name (self->store, name, error);
  if (id >= 0)
    g_hash_table_insert (self->names, g_strdup (name), GSIZE_TO_POINTER (id));

  return id;
}

static gboolean
import_event (Import  *self,
              AudRow  *row,
              GError **error)
{
  const char *id;
  const char *name = NULL;
  const char *time_text;
  gint64 name_id = self->event_name_id;
  gpointer customer;
  AudValue ts;

  id = key_at (self, row, self->id_index, self->id_buffer);
  if (id == NULL)
    return reject_row (self, row, self->blank_id, self->blank_id, error);

  if (name_id < 0)
    {
      name = key_at (self, row, self->name_index, self->name_buffer);
      if (name == NULL)
        return reject_row (self, row, self->blank_name, self->blank_name, error);
    }

  time_text = cell_at (row, self->time_index);
  switch (aud_column_format_convert (&self->time_format, time_text, self->tz, self->blanks, &ts))
    {
    case AUD_CONVERT_OK:
      break;

    case AUD_CONVERT_BLANK:
      return reject_row (self, row, self->blank_time, self->blank_time, error);

    case AUD_CONVERT_MISMATCH:
    case AUD_CONVERT_NEEDS_SCALE:
    default:
      {
        g_autofree char *quoted = quote_value (time_text);
        g_autofree char *reason = NULL;

        /* Translators: "“12/31/2010 25:00” in InvoiceDate is not a date and time" */
        reason = g_strdup_printf (_("“%s” in %s is not a date and time"),
                                  quoted, self->mapping->time_column);
        return reject_row (self, row, self->bad_time, reason, error);
      }
    }

  if (name_id < 0)
    {
      name_id = event_name_id (self, name, error);
      if (name_id < 0)
        return FALSE;
    }

  for (guint i = 0; i < self->columns->len; i++)
    {
      Column *column = &g_array_index (self->columns, Column, i);

      if (column->value.field != NULL &&
          !bind_cell (self, self->insert, &column->value, cell_at (row, i), row->line, error))
        return FALSE;
    }

  if (g_hash_table_lookup_extended (self->customers, id, NULL, &customer))
    {
      sqlite3_bind_int64 (self->insert, 1, GPOINTER_TO_SIZE (customer));
      sqlite3_bind_null (self->insert, 2);
    }
  else if (self->mapping->create_customers)
    {
      gint64 created = create_customer (self, row, id, error);

      if (created < 0)
        return FALSE;

      g_hash_table_insert (self->customers, g_string_chunk_insert (self->keys, id),
                           GSIZE_TO_POINTER (created));
      sqlite3_bind_int64 (self->insert, 1, created);
      sqlite3_bind_null (self->insert, 2);
    }
  else
    {
      sqlite3_bind_null (self->insert, 1);
      sqlite3_bind_text (self->insert, 2, id, -1, SQLITE_TRANSIENT);
      self->summary->rows_unknown_customer++;
      if (!g_hash_table_contains (self->unknown, id))
        g_hash_table_add (self->unknown, g_string_chunk_insert (self->keys, id));
    }

  sqlite3_bind_int64 (self->insert, 3, name_id);
  sqlite3_bind_int64 (self->insert, 4, ts.integer);

  if (!step_insert (self, self->insert, error))
    return FALSE;

  self->summary->rows_inserted++;
  return TRUE;
}

static gboolean
import_row (Import  *self,
            AudRow  *row,
            GError **error)
{
  self->summary->rows_read++;

  if (row->problem != AUD_ROW_PROBLEM_NONE)
    {
      const char *group = problem_group (row->problem);

      return reject_row (self, row, group, row->problem_text != NULL ? row->problem_text : group,
                         error);
    }

  if (row->n_cells > self->columns->len &&
      !plan_columns (self, self->columns->len, row->n_cells, row->line, error))
    return FALSE;

  if (self->stale && !build_statements (self, error))
    return FALSE;

  if (self->mapping->kind == AUD_IMPORT_CUSTOMERS)
    return import_customer (self, row, error);
  else
    return import_event (self, row, error);
}

static void
report_progress (Import  *self,
                 gboolean force)
{
  gint64 now;
  guint64 total;
  g_autofree char *rows = NULL;
  g_autofree char *message = NULL;

  if (self->progress == NULL)
    return;

  now = g_get_monotonic_time ();
  if (!force && now - self->last_progress < PROGRESS_INTERVAL)
    return;
  self->last_progress = now;

  total = aud_reader_get_total_bytes (self->reader);
  rows = aud_value_format_count (self->summary->rows_read);
  message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Imported %s row", "Imported %s rows",
                                          self->summary->rows_read),
                             rows);
  aud_progress_update (self->progress,
                       total > 0 && self->feeder != NULL ?
                       (double)self->feeder->bytes_read / total : 1.0,
                       self->summary->rows_read, message);
}

/* Reports a step after the rows are read (the bar stays full). */
static void
report_stage (Import     *self,
              const char *message)
{
  if (self->progress != NULL)
    aud_progress_update (self->progress, 1.0, -1, message);
}

static gint64
query_int (AudStore   *store,
           const char *sql,
           GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = aud_store_prepare (store, sql, error);
  int rc;

  if (stmt == NULL)
    return -1;

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      aud_store_set_error (store, rc, error);
      return -1;
    }

  return sqlite3_column_int64 (stmt, 0);
}

/* Loads external id -> row id of every customer, for events. */
static gboolean
load_customers (Import  *self,
                GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = aud_store_prepare (self->store, "SELECT id, external_id FROM customers", error);
  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_hash_table_insert (self->customers,
                         g_string_chunk_insert (self->keys,
                                                (const char *)sqlite3_column_text (stmt, 1)),
                         GSIZE_TO_POINTER (sqlite3_column_int64 (stmt, 0)));

  if (rc != SQLITE_DONE)
    {
      aud_store_set_error (self->store, rc, error);
      return FALSE;
    }

  return TRUE;
}

static gboolean
insert_log (Import     *self,
            const char *path,
            GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *mapping = aud_import_mapping_to_json (self->mapping);

  stmt = aud_store_prepare (self->store,
                            "INSERT INTO imports (file, size, kind, mapping, started) "
                            "VALUES (?1, ?2, ?3, ?4, ?5)",
                            error);
  if (stmt == NULL)
    return FALSE;

  self->summary->started = g_get_real_time () / G_USEC_PER_SEC;
  sqlite3_bind_text (stmt, 1, path, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, self->summary->size);
  sqlite3_bind_text (stmt, 3, aud_import_kind_to_string (self->mapping->kind), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, mapping, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, self->summary->started);

  if (!aud_store_step_done (self->store, stmt, error))
    return FALSE;

  self->summary->import_id = sqlite3_last_insert_rowid (self->db);
  return TRUE;
}

static gboolean
update_log (Import  *self,
            GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *notes = NULL;
  AudImportSummary *summary = self->summary;

  json_builder_begin_array (builder);
  for (guint i = 0; i < summary->notes->len; i++)
    json_builder_add_string_value (builder, summary->notes->pdata[i]);
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  notes = json_generator_to_data (generator, NULL);

  stmt = aud_store_prepare (self->store,
                            "UPDATE imports SET sha256 = ?2, duration_ms = ?3, rows_read = ?4, "
                            "rows_inserted = ?5, rows_updated = ?6, rows_rejected = ?7, "
                            "rows_unknown_customer = ?8, notes = ?9 WHERE id = ?1",
                            error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, summary->import_id);
  sqlite3_bind_text (stmt, 2, summary->sha256, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, summary->duration_ms);
  sqlite3_bind_int64 (stmt, 4, summary->rows_read);
  sqlite3_bind_int64 (stmt, 5, summary->rows_inserted);
  sqlite3_bind_int64 (stmt, 6, summary->rows_updated);
  sqlite3_bind_int64 (stmt, 7, summary->rows_rejected);
  sqlite3_bind_int64 (stmt, 8, summary->rows_unknown_customer);
  sqlite3_bind_text (stmt, 9, notes, -1, SQLITE_STATIC);

  return aud_store_step_done (self->store, stmt, error);
}

/* Everything between BEGIN and COMMIT. */
static gboolean
import_all (Import     *self,
            const char *path,
            GError    **error)
{
  const AudImportMapping *mapping = self->mapping;
  gboolean customers_changed = mapping->kind == AUD_IMPORT_CUSTOMERS || mapping->create_customers;
  gboolean rebuild_indexes = FALSE;
  AudRow *row;

  if (!insert_log (self, path, error))
    return FALSE;

  if (mapping->kind == AUD_IMPORT_EVENTS)
    {
      /* The largest row id: cheap, and never below the number of events. */
      gint64 stored = query_int (self->store, "SELECT coalesce (max (id), 0) FROM events", error);

      if (stored < 0)
        return FALSE;

      /* A first load, or a file large next to the events stored, builds the
       * indexes once at the end: much faster than keeping them up to date
       * row by row. */
      if (stored == 0 ||
          aud_reader_get_total_bytes (self->reader) / REBUILD_BYTES_PER_EVENT >= (guint64)stored)
        {
          if (!aud_store_drop_event_indexes (self->store, error))
            return FALSE;
          rebuild_indexes = TRUE;
        }

      if (!load_customers (self, error))
        return FALSE;

      if (mapping->event_column == NULL)
        {
          g_autofree char *name = g_strstrip (g_strdup (mapping->event_name));

          self->event_name_id = aud_store_intern_event_name (self->store, name, error);
          if (self->event_name_id < 0)
            return FALSE;
        }
    }

  self->feeder = feeder_start (self->reader);

  if (!plan_columns (self, 0, self->feeder->n_columns, 0, error) ||
      !build_statements (self, error))
    return FALSE;

  for (;;)
    {
      g_autoptr(GError) local_error = NULL;

      if (!feeder_next (self->feeder, &row, &local_error))
        {
          if (local_error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          break;
        }

      if (!import_row (self, row, error))
        return FALSE;

      if (self->summary->rows_read % CHECK_ROWS == 0)
        {
          if (g_cancellable_set_error_if_cancelled (self->cancellable, error))
            return FALSE;
          report_progress (self, FALSE);
        }
    }

  /* The reader is this thread's again (for its sniff warnings). */
  g_clear_pointer (&self->feeder, feeder_free);

  /* A cancel that came after the last check still wins, until COMMIT. */
  if (g_cancellable_set_error_if_cancelled (self->cancellable, error))
    return FALSE;

  report_progress (self, TRUE);
  self->summary->unknown_customers = g_hash_table_size (self->unknown);

  /* Also after a small load: new or retyped properties change the columns
   * of the (name, ts) index. */
  if (rebuild_indexes)
    report_stage (self, _("Indexing the events…"));
  if ((rebuild_indexes || mapping->kind == AUD_IMPORT_EVENTS) &&
      !aud_store_create_event_indexes (self->store, error))
    return FALSE;

  /* New customers may own events imported earlier without a customer. */
  if (customers_changed)
    {
      gint64 linked = aud_store_link_events (self->store, error);

      if (linked < 0)
        return FALSE;
      self->summary->events_linked = linked;
      report_stage (self, _("Listing the values of the customer fields…"));
    }

  if (!aud_store_bump_data_version (self->store, error) ||
      !aud_engine_update_value_lists (self->store, customers_changed, self->cancellable, error))
    return FALSE;

  report_progress (self, TRUE);
  return TRUE;
}

/* Connection settings for a bulk load, restored after it. */
static const struct {
  const char *name;
  gint64      value;
} bulk_pragmas[] = {
  /* A modest page cache (KiB when negative): the index build then sorts in
   * runs that fit the CPU caches and merges them, which measured faster
   * than one huge in-memory sort. */
  { "cache_size", -16384 },
  /* The index build sorts in temporary files (the OS caches them): the
   * store's in-memory temporary storage makes that sort twice as slow. */
  { "temp_store", 1 },
  /* The sort may use a second core. */
  { "threads", 1 },
  /* Pages read through the memory map count in the process's memory: a
   * smaller map keeps a large import's footprint small (the OS caches the
   * file either way). */
  { "mmap_size", 64 * 1024 * 1024 },
};

static void
set_bulk_pragmas (AudStore *store,
                  gint64   *saved)
{
  for (guint i = 0; i < G_N_ELEMENTS (bulk_pragmas); i++)
    {
      g_autofree char *get = g_strdup_printf ("PRAGMA %s", bulk_pragmas[i].name);
      g_autofree char *set = g_strdup_printf ("PRAGMA %s = %" G_GINT64_FORMAT,
                                              bulk_pragmas[i].name, bulk_pragmas[i].value);

      saved[i] = query_int (store, get, NULL);
      aud_store_exec (store, set, NULL);
    }
}

static void
restore_pragmas (AudStore     *store,
                 const gint64 *saved)
{
  for (guint i = 0; i < G_N_ELEMENTS (bulk_pragmas); i++)
    {
      g_autofree char *set = NULL;

      /* -1: it could not be read (no PRAGMA here takes -1). */
      if (saved[i] == -1)
        continue;

      set = g_strdup_printf ("PRAGMA %s = %" G_GINT64_FORMAT, bulk_pragmas[i].name, saved[i]);
      aud_store_exec (store, set, NULL);
    }
}

/* Notes known only at the end: sniff warnings, fields added, ids. */
static void
add_final_notes (Import *self)
{
  const AudSniff *sniff = aud_reader_get_sniff (self->reader);
  GPtrArray *notes = self->summary->notes;
  guint at = 0;

  for (guint i = 0; sniff->warnings != NULL && i < sniff->warnings->len; i++)
    g_ptr_array_insert (notes, at++, g_strdup (sniff->warnings->pdata[i]));

  if (self->summary->ids_from_row_numbers)
    {
      g_autofree char *last = aud_value_format_count (self->last_number);

      g_ptr_array_insert (notes, at++,
                          g_strdup_printf (_("The file has no customer id column: customers got "
                                             "their row numbers as ids (1 to %s). Another file "
                                             "without ids would update the same customers."),
                                           last));
    }

  for (AudScope scope = AUD_SCOPE_CUSTOMER; scope <= AUD_SCOPE_EVENT; scope++)
    {
      GPtrArray *names = self->new_fields[scope];
      g_autofree char *list = NULL;

      if (names->len == 0)
        continue;

      g_ptr_array_add (names, NULL);
      list = g_strjoinv (", ", (char **)names->pdata);
      g_ptr_array_remove_index (names, names->len - 1);

      if (scope == AUD_SCOPE_CUSTOMER)
        g_ptr_array_add (notes, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                              "New customer field: %s",
                                                              "New customer fields: %s",
                                                              names->len),
                                                 list));
      else
        g_ptr_array_add (notes, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                              "New event property: %s",
                                                              "New event properties: %s",
                                                              names->len),
                                                 list));
    }
}

AudImportSummary *
aud_importer_run (AudStore               *store,
                  const char             *path,
                  const AudImportMapping *mapping,
                  GCancellable           *cancellable,
                  AudProgress            *progress,
                  GError                **error)
{
  Import self = { 0, };
  g_autofree char *absolute = NULL;
  const char * const *columns;
  gint64 started = g_get_monotonic_time ();
  gint64 saved_pragmas[G_N_ELEMENTS (bulk_pragmas)];
  gboolean ok;
  AudImportSummary *summary;

  g_return_val_if_fail (AUD_IS_STORE (store), NULL);
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (mapping != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (progress == NULL || AUD_IS_PROGRESS (progress), NULL);

  self.store = store;
  self.db = aud_store_get_db (store);
  self.mapping = mapping;
  self.cancellable = cancellable;
  self.progress = progress;
  self.tz = aud_store_get_timezone (store);
  self.blanks = (const char * const *)mapping->blank_markers;
  self.id_index = self.name_index = self.time_index = -1;
  self.event_name_id = -1;

  self.reader = aud_reader_open (path, &mapping->read, error);
  if (self.reader == NULL)
    return NULL;

  columns = aud_reader_get_columns (self.reader, NULL);
  if (!aud_import_mapping_check (mapping,
                                 aud_reader_columns_may_grow (self.reader) ? NULL : columns,
                                 error))
    {
      g_prefix_error (error, "%s: ", path);
      import_clear (&self);
      return NULL;
    }

  self.columns = g_array_new (FALSE, TRUE, sizeof (Column));
  self.customers = g_hash_table_new (g_str_hash, g_str_equal);
  self.unknown = g_hash_table_new (g_str_hash, g_str_equal);
  self.keys = g_string_chunk_new (64 * 1024);
  self.names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self.groups = g_hash_table_new (g_str_hash, g_str_equal);
  self.new_fields[AUD_SCOPE_CUSTOMER] = g_ptr_array_new_with_free_func (g_free);
  self.new_fields[AUD_SCOPE_EVENT] = g_ptr_array_new_with_free_func (g_free);
  self.id_buffer = g_string_new (NULL);
  self.name_buffer = g_string_new (NULL);
  self.blank_id = g_strdup_printf (_("%s is blank"),
                                   mapping->id_column != NULL ? mapping->id_column : "");
  self.blank_name = g_strdup_printf (_("%s is blank"),
                                     mapping->event_column != NULL ? mapping->event_column : "");
  self.blank_time = g_strdup_printf (_("%s is blank"),
                                     mapping->time_column != NULL ? mapping->time_column : "");
  self.bad_time = g_strdup_printf (_("%s is not a date and time"),
                                   mapping->time_column != NULL ? mapping->time_column : "");

  absolute = g_canonicalize_filename (path, NULL);
  self.summary = summary_new ();
  self.summary->kind = mapping->kind;
  self.summary->file = g_strdup (absolute);
  self.summary->size = aud_reader_get_total_bytes (self.reader);
  self.summary->ids_from_row_numbers = mapping->kind == AUD_IMPORT_CUSTOMERS &&
                                       mapping->id_column == NULL;
  self.hasher = hasher_start (path);

  set_bulk_pragmas (store, saved_pragmas);
  aud_store_watch_cancellable (store, cancellable);

  ok = aud_store_begin (store, error);
  if (ok)
    {
      ok = import_all (&self, absolute, error);

      if (ok)
        {
          add_final_notes (&self);
          self.summary->sha256 = hasher_finish (self.hasher, error);
          ok = self.summary->sha256 != NULL;
        }

      if (ok)
        {
          self.summary->duration_ms = (g_get_monotonic_time () - started) / 1000;
          ok = update_log (&self, error);
        }

      /* Statements must be finished before COMMIT releases the write lock. */
      g_clear_pointer (&self.insert, sqlite3_finalize);
      g_clear_pointer (&self.create, sqlite3_finalize);
      g_clear_pointer (&self.reject, sqlite3_finalize);

      if (ok)
        ok = aud_store_commit (store, error);

      if (!ok)
        aud_store_rollback (store);
    }

  aud_store_watch_cancellable (store, NULL);
  restore_pragmas (store, saved_pragmas);

  if (!ok)
    {
      import_clear (&self);
      return NULL;
    }

  self.summary->duration_ms = (g_get_monotonic_time () - started) / 1000;
  self.summary->data_version = aud_store_get_data_version (store);
  summary = g_steal_pointer (&self.summary);
  import_clear (&self);

  g_debug ("Imported %s in %" G_GINT64_FORMAT " ms", path, summary->duration_ms);

  return summary;
}

typedef struct
{
  char             *workspace;
  char             *path;
  AudImportMapping *mapping;
  AudProgress      *progress;
} RunData;

static void
run_data_free (RunData *data)
{
  g_free (data->workspace);
  g_free (data->path);
  aud_import_mapping_free (data->mapping);
  g_clear_object (&data->progress);
  g_free (data);
}

static void
run_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  RunData *data = task_data;
  g_autoptr(AudStore) store = NULL;
  AudImportSummary *summary;
  GError *error = NULL;

  store = aud_store_open (data->workspace, AUD_STORE_OPEN_DEFAULT, &error);
  if (store == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  summary = aud_importer_run (store, data->path, data->mapping, cancellable, data->progress,
                              &error);
  if (summary == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, summary, (GDestroyNotify)aud_import_summary_free);
}

void
aud_importer_run_async (AudStore               *store,
                        const char             *path,
                        const AudImportMapping *mapping,
                        GCancellable           *cancellable,
                        AudProgress            *progress,
                        GAsyncReadyCallback     callback,
                        gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;
  RunData *data;

  g_return_if_fail (AUD_IS_STORE (store));
  g_return_if_fail (path != NULL);
  g_return_if_fail (mapping != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (progress == NULL || AUD_IS_PROGRESS (progress));

  data = g_new0 (RunData, 1);
  data->workspace = g_strdup (aud_store_get_path (store));
  data->path = g_strdup (path);
  data->mapping = aud_import_mapping_copy (mapping);
  data->progress = progress != NULL ? g_object_ref (progress) : NULL;

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, aud_importer_run_async);
  g_task_set_task_data (task, data, (GDestroyNotify)run_data_free);
  g_task_run_in_thread (task, run_thread);
}

/**
 * aud_importer_run_finish:
 *
 * Returns: (transfer full): the summary, or NULL with @error set
 */
AudImportSummary *
aud_importer_run_finish (AudStore     *store,
                         GAsyncResult *result,
                         GError      **error)
{
  g_return_val_if_fail (AUD_IS_STORE (store), NULL);
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------ */
/* Import log                                                           */

/* The notes of the log, a JSON array of strings, into @notes; anything
 * else is kept as one note. */
static void
parse_notes (const char *json,
             GPtrArray  *notes)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (json == NULL)
    return;

  if (!json_parser_load_from_data (parser, json, -1, NULL) ||
      !JSON_NODE_HOLDS_ARRAY ((root = json_parser_get_root (parser))))
    {
      g_ptr_array_add (notes, g_strdup (json));
      return;
    }

  for (guint i = 0; i < json_array_get_length (json_node_get_array (root)); i++)
    {
      const char *note = json_array_get_string_element (json_node_get_array (root), i);

      if (note != NULL)
        g_ptr_array_add (notes, g_strdup (note));
    }
}

GPtrArray *
aud_importer_list_imports (AudStore  *store,
                           guint      max,
                           GError   **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) imports = NULL;
  int rc;

  g_return_val_if_fail (AUD_IS_STORE (store), NULL);

  stmt = aud_store_prepare (store,
                            "SELECT id, file, size, sha256, kind, started, duration_ms, "
                            "rows_read, rows_inserted, rows_updated, rows_rejected, "
                            "rows_unknown_customer, notes FROM imports ORDER BY id DESC LIMIT ?1",
                            error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, max > 0 ? (gint64)max : -1);
  imports = g_ptr_array_new_with_free_func ((GDestroyNotify)aud_import_summary_free);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AudImportSummary *summary = summary_new ();

      summary->import_id = sqlite3_column_int64 (stmt, 0);
      summary->file = g_strdup ((const char *)sqlite3_column_text (stmt, 1));
      summary->size = sqlite3_column_int64 (stmt, 2);
      summary->sha256 = g_strdup ((const char *)sqlite3_column_text (stmt, 3));
      if (!aud_import_kind_from_string ((const char *)sqlite3_column_text (stmt, 4),
                                        &summary->kind))
        summary->kind = AUD_IMPORT_CUSTOMERS;
      summary->started = sqlite3_column_int64 (stmt, 5);
      summary->duration_ms = sqlite3_column_int64 (stmt, 6);
      summary->rows_read = sqlite3_column_int64 (stmt, 7);
      summary->rows_inserted = sqlite3_column_int64 (stmt, 8);
      summary->rows_updated = sqlite3_column_int64 (stmt, 9);
      summary->rows_rejected = sqlite3_column_int64 (stmt, 10);
      summary->rows_unknown_customer = sqlite3_column_int64 (stmt, 11);
      parse_notes ((const char *)sqlite3_column_text (stmt, 12), summary->notes);
      g_ptr_array_add (imports, summary);
    }

  if (rc != SQLITE_DONE)
    {
      aud_store_set_error (store, rc, error);
      return NULL;
    }

  return g_steal_pointer (&imports);
}

gboolean
aud_importer_foreach_reject (AudStore       *store,
                             gint64          import_id,
                             AudRejectFunc   func,
                             gpointer        user_data,
                             GError        **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (AUD_IS_STORE (store), FALSE);
  g_return_val_if_fail (import_id >= 0, FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  if (import_id > 0)
    {
      g_autoptr(sqlite3_stmt) exists = aud_store_prepare (store,
                                                          "SELECT 1 FROM imports WHERE id = ?1",
                                                          error);

      if (exists == NULL)
        return FALSE;

      sqlite3_bind_int64 (exists, 1, import_id);
      rc = sqlite3_step (exists);
      if (rc == SQLITE_DONE)
        {
          g_set_error (error, AUD_STORE_ERROR, AUD_STORE_ERROR_NOT_FOUND,
                       _("There is no import %lld"), (long long)import_id);
          return FALSE;
        }
      if (rc != SQLITE_ROW)
        {
          aud_store_set_error (store, rc, error);
          return FALSE;
        }
    }

  /* Two statements so that one import's rows come from the index. */
  stmt = aud_store_prepare (store,
                            import_id > 0 ?
                            "SELECT import, line, reason, raw FROM rejects "
                            "WHERE import = ?1 ORDER BY import, line, id" :
                            "SELECT import, line, reason, raw FROM rejects "
                            "ORDER BY import, line, id",
                            error);
  if (stmt == NULL)
    return FALSE;

  if (import_id > 0)
    sqlite3_bind_int64 (stmt, 1, import_id);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AudReject reject;

      reject.import_id = sqlite3_column_int64 (stmt, 0);
      reject.line = sqlite3_column_int64 (stmt, 1);
      reject.reason = (const char *)sqlite3_column_text (stmt, 2);
      reject.raw = (const char *)sqlite3_column_text (stmt, 3);

      if (!func (&reject, user_data))
        return TRUE;
    }

  if (rc != SQLITE_DONE)
    {
      aud_store_set_error (store, rc, error);
      return FALSE;
    }

  return TRUE;
}
