/* aud-compiler.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "aud-compiler"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "aud-compiler.h"
#include "aud-sql-functions-private.h"
#include "aud-value.h"

#define EARTH_RADIUS_KM 6371.0

/* At most this many significant digits in a number written in a segment:
 * enough for any stored value, small enough that value * count fits in
 * 128 bits. */
#define MAX_DIGITS 27

/* Julian day (GDate) of 9999-12-31: dates beyond it are clamped. */
#define LAST_JULIAN 3652059

G_DEFINE_QUARK (aud-compiler-error-quark, aud_compiler_error)

typedef struct
{
  const AudCompileContext *ctx;
  const AudDialect        *d;
  GArray                  *params;
  int                      today_y, today_m, today_d;
  gboolean                 restrict_customer;
} Compiler;

/* A bound of a date operator: a date, or a date and time. */
typedef struct
{
  gboolean date_only;
  int      y, m, d;   /* the date (of the time, in the workspace zone) */
  gint64   ts;        /* the time; for a date, the start of the day */
} Bound;

static const AudWide wide_max = (AudWide)(((unsigned __int128)1 << 126) - 1);

/* --- numbers ------------------------------------------------------------ */

static AudWide
pow10_wide (guint k)
{
  AudWide r = 1;

  g_assert (k <= 38);

  while (k-- > 0)
    r *= 10;

  return r;
}

gboolean
aud_exact_parse (const char *text,
                 AudExact   *out)
{
  const char *p = text;
  char digits[MAX_DIGITS + 1];
  guint n_digits = 0;
  AudWide mantissa = 0;
  gboolean negative = FALSE;
  gboolean any_digit = FALSE;
  gboolean fraction = FALSE;
  gint64 scale = 0;
  gint64 exponent = 0;
  guint pending_zeros = 0;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  while (g_ascii_isspace (*p))
    p++;

  if (*p == '+' || *p == '-')
    negative = *p++ == '-';

  /* Significant digits go to @digits; zeros after them are held back in
   * @pending_zeros until another digit shows they are significant. */
  for (;; p++)
    {
      if (*p == '.' && !fraction)
        {
          fraction = TRUE;
          continue;
        }

      if (!g_ascii_isdigit (*p))
        break;

      any_digit = TRUE;
      if (fraction)
        scale++;

      if (*p == '0')
        {
          if (n_digits > 0)
            pending_zeros++;
          continue;
        }

      if (n_digits + pending_zeros + 1 > MAX_DIGITS)
        return FALSE;
      for (; pending_zeros > 0; pending_zeros--)
        digits[n_digits++] = '0';
      digits[n_digits++] = *p;
    }

  if (!any_digit)
    return FALSE;

  if (*p == 'e' || *p == 'E')
    {
      gboolean exp_negative = FALSE;
      gboolean exp_digit = FALSE;

      p++;
      if (*p == '+' || *p == '-')
        exp_negative = *p++ == '-';
      for (; g_ascii_isdigit (*p); p++)
        {
          exp_digit = TRUE;
          if (exponent < 100000)
            exponent = exponent * 10 + (*p - '0');
        }
      if (!exp_digit)
        return FALSE;
      if (exp_negative)
        exponent = -exponent;
    }

  while (g_ascii_isspace (*p))
    p++;
  if (*p != '\0')
    return FALSE;

  for (guint i = 0; i < n_digits; i++)
    mantissa = mantissa * 10 + (digits[i] - '0');

  /* The held-back zeros are trailing: they multiply the value. */
  scale = scale - exponent - pending_zeros;

  if (mantissa == 0)
    scale = 0;

  while (scale < 0)
    {
      if (mantissa > wide_max / 10)
        return FALSE;
      mantissa *= 10;
      scale++;
    }

  if (scale > 1000)
    return FALSE;

  out->mantissa = negative ? -mantissa : mantissa;
  out->scale = (guint)scale;

  return TRUE;
}

static AudWide
floor_div_wide (AudWide a,
                AudWide b)
{
  AudWide q = a / b;

  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* floor(value * 10^scale), saturated to ±wide_max, and whether the product
 * is an integer (never for a saturated result). */
static void
exact_floor_at_scale (const AudExact *value,
                      guint           scale,
                      AudWide        *floor_out,
                      gboolean       *exact)
{
  AudWide m = value->mantissa;

  if (value->scale <= scale)
    {
      guint k = scale - value->scale;
      AudWide r = m;

      for (guint i = 0; i < k; i++)
        {
          if (r > wide_max / 10 || r < -wide_max / 10)
            {
              *floor_out = r > 0 ? wide_max : -wide_max;
              *exact = FALSE;
              return;
            }
          r *= 10;
        }

      *floor_out = r;
      *exact = TRUE;
      return;
    }
  else
    {
      guint k = value->scale - scale;

      if (k > 38)
        {
          *floor_out = m < 0 ? -1 : 0;
          *exact = m == 0;
          return;
        }

      *floor_out = floor_div_wide (m, pow10_wide (k));
      *exact = m % pow10_wide (k) == 0;
    }
}

static gboolean
compare_one (AudWide         x,
             guint           scale,
             AudOp           op,
             const AudExact *value)
{
  AudWide q;
  gboolean exact;

  exact_floor_at_scale (value, scale, &q, &exact);

  switch (op)
    {
    case AUD_OP_EQ:
    case AUD_OP_IN:
      return exact && x == q;

    case AUD_OP_NE:
    case AUD_OP_NOT_IN:
      return !(exact && x == q);

    case AUD_OP_LT:
      return exact ? x < q : x <= q;

    case AUD_OP_LE:
      return x <= q;

    case AUD_OP_GT:
      return x > q;

    case AUD_OP_GE:
      return exact ? x >= q : x > q;

    default:
      g_return_val_if_reached (FALSE);
    }
}

gboolean
aud_exact_compare (AudWide         x,
                   guint           scale,
                   AudOp           op,
                   const AudExact *values,
                   guint           n_values)
{
  switch (op)
    {
    case AUD_OP_BETWEEN:
      g_return_val_if_fail (n_values == 2, FALSE);
      return compare_one (x, scale, AUD_OP_GE, &values[0]) &&
             compare_one (x, scale, AUD_OP_LE, &values[1]);

    case AUD_OP_IN:
      for (guint i = 0; i < n_values; i++)
        {
          if (compare_one (x, scale, AUD_OP_EQ, &values[i]))
            return TRUE;
        }
      return FALSE;

    case AUD_OP_NOT_IN:
      return !aud_exact_compare (x, scale, AUD_OP_IN, values, n_values);

    default:
      g_return_val_if_fail (n_values >= 1, FALSE);
      return compare_one (x, scale, op, &values[0]);
    }
}

/* --- dates -------------------------------------------------------------- */

void
aud_date_of_time (GTimeZone *tz,
                  gint64     utc,
                  int       *year,
                  int       *month,
                  int       *day)
{
  g_autoptr(GDateTime) utc_time = g_date_time_new_from_unix_utc (utc);
  g_autoptr(GDateTime) local = NULL;

  if (utc_time == NULL)
    {
      /* Outside 0001..9999: clamp. */
      *year = utc < 0 ? 1 : 9999;
      *month = utc < 0 ? 1 : 12;
      *day = utc < 0 ? 1 : 31;
      return;
    }

  local = g_date_time_to_timezone (utc_time, tz);
  if (local == NULL)
    local = g_date_time_ref (utc_time);

  g_date_time_get_ymd (local, year, month, day);
}

gint64
aud_start_of_day (GTimeZone *tz,
                  int        year,
                  int        month,
                  int        day)
{
  g_autoptr(GDateTime) start = NULL;

  if (year < 1)
    return G_MININT64;
  if (year > 9999)
    return G_MAXINT64;

  start = g_date_time_new (tz, year, month, day, 0, 0, 0);
  if (start == NULL)
    return year < 5000 ? G_MININT64 : G_MAXINT64;

  return g_date_time_to_unix (start);
}

/* @y-@m-@d plus @days; years outside 1..9999 become 0 (before everything)
 * or 10000 (after everything). */
static void
shift_date (int     y,
            int     m,
            int     d,
            gint64  days,
            int    *y2,
            int    *m2,
            int    *d2)
{
  GDate date;
  gint64 julian;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, d, m, y);
  julian = (gint64)g_date_get_julian (&date);

  if (days < -LAST_JULIAN * 2 || julian + days < 1)
    {
      *y2 = 0, *m2 = 1, *d2 = 1;
      return;
    }

  if (days > LAST_JULIAN * 2 || julian + days > LAST_JULIAN)
    {
      *y2 = 10000, *m2 = 1, *d2 = 1;
      return;
    }

  g_date_set_julian (&date, (guint32)(julian + days));
  *y2 = g_date_get_year (&date);
  *m2 = g_date_get_month (&date);
  *d2 = g_date_get_day (&date);
}

/* `YYYY-MM-DD` for comparisons with stored dates as text; month and day may
 * be "impossible" (02-29 of a common year) and still compare right. Years
 * outside 1..9999 clamp to below or above every stored date. */
static char *
date_text (int y,
           int m,
           int d)
{
  if (y < 1)
    return g_strdup ("0000-00-00");
  if (y > 9999)
    return g_strdup ("9999-99-99");

  return g_strdup_printf ("%04d-%02d-%02d", y, m, d);
}

static gint64
saturating_add (gint64 a,
                gint64 b)
{
  gint64 r;

  if (__builtin_add_overflow (a, b, &r))
    return b > 0 ? G_MAXINT64 : G_MININT64;

  return r;
}

static gint64
days_to_seconds (gint64 days)
{
  gint64 r;

  if (__builtin_mul_overflow (days, (gint64)86400, &r))
    return days > 0 ? G_MAXINT64 : G_MININT64;

  return r;
}

static gboolean
is_leap_year (int y)
{
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* --- parameters and errors ----------------------------------------------- */

static void
param_clear (gpointer data)
{
  AudSqlParam *param = data;

  g_clear_pointer (&param->text, g_free);
}

static char *
placeholder_at (Compiler *c,
                guint     index)
{
  GString *s = g_string_new (NULL);

  c->d->placeholder (s, index);

  return g_string_free (s, FALSE);
}

/* The placeholder of the last parameter added. */
static char *
placeholder (Compiler *c)
{
  return placeholder_at (c, c->params->len);
}

/* Adds a bound parameter; returns its placeholder. */
static char *
param_int (Compiler *c,
           gint64    value)
{
  AudSqlParam param = { AUD_PARAM_INT, value, 0, NULL };

  g_array_append_val (c->params, param);

  return placeholder (c);
}

static char *
param_text (Compiler   *c,
            const char *value)
{
  AudSqlParam param = { AUD_PARAM_TEXT, 0, 0, g_strdup (value) };

  g_array_append_val (c->params, param);

  return placeholder (c);
}

static char *
param_tz (Compiler *c)
{
  return param_text (c, g_time_zone_get_identifier (c->ctx->tz));
}

static const char *
type_label (AudFieldType type)
{
  return aud_field_type_get_label (type);
}

static gboolean
fail_value (GError    **error,
            const char *path,
            const char *what,
            JsonNode   *value)
{
  g_autofree char *text = value != NULL ? json_to_string (value, FALSE) : g_strdup ("null");

  /* Translators: "match.all[1].value: "abc" is not a number" */
  g_set_error (error, AUD_COMPILER_ERROR, AUD_COMPILER_ERROR_INVALID,
               _("%s: %s is not %s"), path, text, what);
  return FALSE;
}

static gboolean
fail_operator (GError     **error,
               const char  *path,
               AudOp        op,
               const char  *name,
               AudFieldType type)
{
  g_set_error (error, AUD_COMPILER_ERROR, AUD_COMPILER_ERROR_UNSUPPORTED,
               _("%s: operator “%s” does not apply to “%s” (%s)"),
               path, aud_op_to_string (op), name, type_label (type));
  return FALSE;
}

/* The @index-th element of an array value, or the value itself for index 0
 * of a non-array. */
static JsonNode *
value_element (JsonNode *value,
               guint     index)
{
  JsonArray *array;

  if (value == NULL)
    return NULL;

  if (!JSON_NODE_HOLDS_ARRAY (value))
    return index == 0 ? value : NULL;

  array = json_node_get_array (value);
  if (index >= json_array_get_length (array))
    return NULL;

  return json_array_get_element (array, index);
}

static gboolean
get_pair (JsonNode    *value,
          const char  *path,
          JsonNode   **first,
          JsonNode   **second,
          GError     **error)
{
  if (value == NULL || !JSON_NODE_HOLDS_ARRAY (value) ||
      json_array_get_length (json_node_get_array (value)) != 2)
    return fail_value (error, path, _("a list of two values"), value);

  *first = value_element (value, 0);
  *second = value_element (value, 1);
  return TRUE;
}

static gboolean
get_integer (JsonNode   *value,
             const char *path,
             gint64     *out,
             GError    **error)
{
  g_autofree char *text = aud_segment_value_dup_text (value);
  AudExact exact;

  if (text == NULL || !aud_exact_parse (text, &exact) || exact.scale != 0 ||
      exact.mantissa > G_MAXINT64 || exact.mantissa < G_MININT64)
    return fail_value (error, path, _("a whole number"), value);

  *out = (gint64)exact.mantissa;
  return TRUE;
}

static gboolean
get_exact (JsonNode   *value,
           const char *path,
           AudExact   *out,
           GError    **error)
{
  g_autofree char *text = aud_segment_value_dup_text (value);

  if (text == NULL || g_str_equal (text, "true") || g_str_equal (text, "false") ||
      !aud_exact_parse (text, out))
    return fail_value (error, path, _("a number"), value);

  return TRUE;
}

static gboolean
parse_bound_text (Compiler   *c,
                  const char *text,
                  Bound      *bound)
{
  if (aud_value_parse_date (text, AUD_DATE_ORDER_YMD, &bound->y, &bound->m, &bound->d))
    {
      bound->date_only = TRUE;
      bound->ts = aud_start_of_day (c->ctx->tz, bound->y, bound->m, bound->d);
      return TRUE;
    }

  if (aud_value_parse_datetime (text, AUD_DATE_ORDER_YMD, c->ctx->tz, &bound->ts))
    {
      bound->date_only = FALSE;
      aud_date_of_time (c->ctx->tz, bound->ts, &bound->y, &bound->m, &bound->d);
      return TRUE;
    }

  return FALSE;
}

static gboolean
get_bound (Compiler   *c,
           JsonNode   *value,
           const char *path,
           Bound      *bound,
           GError    **error)
{
  if (value == NULL || !JSON_NODE_HOLDS_VALUE (value) ||
      json_node_get_value_type (value) != G_TYPE_STRING ||
      !parse_bound_text (c, json_node_get_string (value), bound))
    return fail_value (error, path, _("a date (YYYY-MM-DD) or a date and time"), value);

  return TRUE;
}

/* The last second of a bound used as an upper limit: a date means the end
 * of that day. */
static gint64
bound_end (Compiler    *c,
           const Bound *bound)
{
  int y, m, d;

  if (!bound->date_only)
    return bound->ts;

  shift_date (bound->y, bound->m, bound->d, 1, &y, &m, &d);
  return saturating_add (aud_start_of_day (c->ctx->tz, y, m, d), -1);
}

/* --- conditions ---------------------------------------------------------- */

static gboolean
is_text_type (AudFieldType type)
{
  return type == AUD_FIELD_TEXT || type == AUD_FIELD_CATEGORY;
}

/* Appends a boolean that is TRUE exactly when @expr is not blank. */
static void
append_not_blank (GString      *out,
                  const char   *expr,
                  AudFieldType  type)
{
  if (is_text_type (type) || type == AUD_FIELD_DATE)
    g_string_append_printf (out, "%s <> ''", expr);
  else
    g_string_append_printf (out, "%s IS NOT NULL", expr);
}

/* The text of a condition value for text operators, folded unless case
 * sensitive. */
static char *
condition_text (const AudCondition *cond,
                JsonNode           *value)
{
  g_autofree char *text = aud_segment_value_dup_text (value);

  if (text == NULL)
    return NULL;

  if (cond->case_sensitive)
    return g_steal_pointer (&text);

  return _aud_fold_text (text, -1);
}

static gboolean
compile_text (Compiler           *c,
              const AudCondition *cond,
              const char         *expr,
              GString            *out,
              GError            **error)
{
  g_autofree char *subject = NULL;
  g_autofree char *value = NULL;
  g_autofree char *ph = NULL;

  if (cond->case_sensitive)
    subject = g_strdup (expr);
  else
    {
      GString *s = g_string_new (NULL);

      c->d->fold (s, expr);
      subject = g_string_free (s, FALSE);
    }

  if (cond->op == AUD_OP_IN)
    {
      guint n;

      if (cond->value == NULL || !JSON_NODE_HOLDS_ARRAY (cond->value))
        return fail_value (error, cond->path, _("a list of values"), cond->value);

      n = json_array_get_length (json_node_get_array (cond->value));
      if (n == 0)
        {
          g_string_append (out, "FALSE");
          return TRUE;
        }

      g_string_append_printf (out, "(%s <> '' AND %s IN (", expr, subject);
      for (guint i = 0; i < n; i++)
        {
          g_autofree char *text = condition_text (cond, value_element (cond->value, i));
          g_autofree char *item = NULL;

          if (text == NULL)
            return fail_value (error, cond->path, _("a list of texts"), cond->value);

          item = param_text (c, text);
          g_string_append_printf (out, "%s%s", i > 0 ? ", " : "", item);
        }
      g_string_append (out, "))");
      return TRUE;
    }

  if (cond->op == AUD_OP_MATCHES)
    {
      g_autoptr(GRegex) regex = NULL;
      g_autoptr(GError) regex_error = NULL;
      g_autofree char *pattern = aud_segment_value_dup_text (cond->value);
      g_autofree char *caseless = NULL;

      if (pattern == NULL)
        return fail_value (error, cond->path, _("a regular expression"), cond->value);

      regex = g_regex_new (pattern, cond->case_sensitive ? 0 : G_REGEX_CASELESS, 0, &regex_error);
      if (regex == NULL)
        {
          g_set_error (error, AUD_COMPILER_ERROR, AUD_COMPILER_ERROR_INVALID,
                       _("%s: invalid regular expression: %s"), cond->path,
                       regex_error->message);
          return FALSE;
        }

      ph = param_text (c, pattern);
      caseless = param_int (c, cond->case_sensitive ? 0 : 1);
      g_string_append_printf (out, "(%s <> '' AND ", expr);
      c->d->regex (out, expr, ph, caseless);
      g_string_append (out, ")");
      return TRUE;
    }

  value = condition_text (cond, cond->value);
  if (value == NULL)
    return fail_value (error, cond->path, _("a text"), cond->value);

  /* An empty needle is found in every text that is not blank. */
  if (value[0] == '\0' && cond->op != AUD_OP_EQ)
    {
      append_not_blank (out, expr, AUD_FIELD_TEXT);
      return TRUE;
    }

  ph = param_text (c, value);
  g_string_append_printf (out, "(%s <> '' AND ", expr);

  switch (cond->op)
    {
    case AUD_OP_EQ:
      g_string_append_printf (out, "%s = %s", subject, ph);
      break;

    case AUD_OP_CONTAINS:
      c->d->contains (out, subject, ph);
      break;

    case AUD_OP_STARTS_WITH:
      c->d->starts_with (out, subject, ph);
      break;

    case AUD_OP_ENDS_WITH:
      c->d->ends_with (out, subject, ph);
      break;

    default:
      g_assert_not_reached ();
    }

  g_string_append (out, ")");
  return TRUE;
}

/* Appends `expr OP value` for an integer column holding values at @scale,
 * exactly, whatever the number of decimals of @value. */
static void
append_number_compare (Compiler       *c,
                       GString        *out,
                       const char     *expr,
                       AudOp           op,
                       const AudExact *value,
                       guint           scale)
{
  g_autofree char *ph = NULL;
  const char *sql_op;
  AudWide q;
  gboolean exact;

  exact_floor_at_scale (value, scale, &q, &exact);

  /* A value beyond the range of stored integers. */
  if (q > G_MAXINT64 || q < G_MININT64)
    {
      gboolean above = q > 0;

      if ((above && (op == AUD_OP_LT || op == AUD_OP_LE)) ||
          (!above && (op == AUD_OP_GT || op == AUD_OP_GE)))
        g_string_append_printf (out, "%s IS NOT NULL", expr);
      else
        g_string_append (out, "FALSE");
      return;
    }

  switch (op)
    {
    case AUD_OP_EQ:
      if (!exact)
        {
          g_string_append (out, "FALSE");
          return;
        }
      sql_op = "=";
      break;

    case AUD_OP_LT:
      sql_op = exact ? "<" : "<=";
      break;

    case AUD_OP_LE:
      sql_op = "<=";
      break;

    case AUD_OP_GT:
      sql_op = ">";
      break;

    case AUD_OP_GE:
      sql_op = exact ? ">=" : ">";
      break;

    default:
      g_assert_not_reached ();
    }

  ph = param_int (c, (gint64)q);
  g_string_append_printf (out, "%s %s %s", expr, sql_op, ph);
}

static gboolean
compile_number (Compiler           *c,
                const AudCondition *cond,
                const char         *expr,
                guint               scale,
                GString            *out,
                GError            **error)
{
  AudExact a, b;

  switch (cond->op)
    {
    case AUD_OP_EQ:
    case AUD_OP_LT:
    case AUD_OP_LE:
    case AUD_OP_GT:
    case AUD_OP_GE:
      if (!get_exact (cond->value, cond->path, &a, error))
        return FALSE;
      append_number_compare (c, out, expr, cond->op, &a, scale);
      return TRUE;

    case AUD_OP_BETWEEN:
      {
        JsonNode *low, *high;

        if (!get_pair (cond->value, cond->path, &low, &high, error) ||
            !get_exact (low, cond->path, &a, error) ||
            !get_exact (high, cond->path, &b, error))
          return FALSE;

        g_string_append (out, "(");
        append_number_compare (c, out, expr, AUD_OP_GE, &a, scale);
        g_string_append (out, " AND ");
        append_number_compare (c, out, expr, AUD_OP_LE, &b, scale);
        g_string_append (out, ")");
        return TRUE;
      }

    case AUD_OP_IN:
      {
        g_autoptr(GString) items = g_string_new (NULL);
        guint n;

        if (cond->value == NULL || !JSON_NODE_HOLDS_ARRAY (cond->value))
          return fail_value (error, cond->path, _("a list of numbers"), cond->value);

        n = json_array_get_length (json_node_get_array (cond->value));
        for (guint i = 0; i < n; i++)
          {
            g_autofree char *ph = NULL;
            AudWide q;
            gboolean exact;

            if (!get_exact (value_element (cond->value, i), cond->path, &a, error))
              return FALSE;

            /* A value the column cannot hold matches nothing. */
            exact_floor_at_scale (&a, scale, &q, &exact);
            if (!exact || q > G_MAXINT64 || q < G_MININT64)
              continue;

            ph = param_int (c, (gint64)q);
            g_string_append_printf (items, "%s%s", items->len > 0 ? ", " : "", ph);
          }

        if (items->len == 0)
          g_string_append (out, "FALSE");
        else
          g_string_append_printf (out, "%s IN (%s)", expr, items->str);
        return TRUE;
      }

    default:
      g_assert_not_reached ();
    }
}

/* Appends `lo <= expr <= hi` for text dates; NULL bounds are open. */
static void
append_date_range (Compiler   *c,
                   GString    *out,
                   const char *expr,
                   const char *low,
                   gboolean    low_inclusive,
                   const char *high,
                   gboolean    high_inclusive)
{
  g_string_append_printf (out, "(%s <> ''", expr);

  if (low != NULL)
    {
      g_autofree char *ph = param_text (c, low);
      g_string_append_printf (out, " AND %s %s %s", expr, low_inclusive ? ">=" : ">", ph);
    }

  if (high != NULL)
    {
      g_autofree char *ph = param_text (c, high);
      g_string_append_printf (out, " AND %s %s %s", expr, high_inclusive ? "<=" : "<", ph);
    }

  g_string_append (out, ")");
}

static void
append_time_range (Compiler   *c,
                   GString    *out,
                   const char *expr,
                   gint64      low,
                   gint64      high)
{
  g_autofree char *lo = NULL;
  g_autofree char *hi = NULL;

  if (low > high)
    {
      g_string_append (out, "FALSE");
      return;
    }

  if (low == G_MININT64 && high == G_MAXINT64)
    {
      g_string_append_printf (out, "%s IS NOT NULL", expr);
      return;
    }

  g_string_append (out, "(");
  if (low != G_MININT64)
    {
      lo = param_int (c, low);
      g_string_append_printf (out, "%s >= %s", expr, lo);
    }
  if (high != G_MAXINT64)
    {
      hi = param_int (c, high);
      g_string_append_printf (out, "%s%s <= %s", lo != NULL ? " AND " : "", expr, hi);
    }
  g_string_append (out, ")");
}

/* Age in completed years at today: the year difference, minus one if the
 * month-day has not yet come. So age >= L exactly when the date, as text,
 * is <= (today's year - L)-MM-DD with today's month-day, even when that is
 * an impossible 02-29; a date of 02-29 reaches its birthday on 03-01 in
 * common years. */
static void
append_age_between (Compiler   *c,
                    GString    *out,
                    const char *expr,
                    gint64      low,
                    gint64      high)
{
  g_autofree char *upper = NULL;
  g_autofree char *lower = NULL;

  if (low > high || high < 0)
    {
      g_string_append (out, "FALSE");
      return;
    }

  low = CLAMP (low, -20000, 20000);
  high = CLAMP (high, -20000, 20000);

  upper = date_text (c->today_y - (int)low, c->today_m, c->today_d);
  lower = date_text (c->today_y - (int)high - 1, c->today_m, c->today_d);

  append_date_range (c, out, expr, lower, FALSE, upper, TRUE);
}

/* The next anniversary of a date falls within [today, today + N]: its
 * month-day is one of those of the window. The anniversary of 02-29 in a
 * common year is 03-01 (as for the age). */
static void
append_birthday_within (Compiler   *c,
                        GString    *out,
                        const char *expr,
                        gint64      days)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GString) md = g_string_new (NULL);
  g_autoptr(GString) items = g_string_new (NULL);

  if (days < 0)
    {
      g_string_append (out, "FALSE");
      return;
    }

  for (gint64 i = 0; i <= MIN (days, 400); i++)
    {
      int y, m, d;

      shift_date (c->today_y, c->today_m, c->today_d, i, &y, &m, &d);
      g_hash_table_add (seen, g_strdup_printf ("%02d-%02d", m, d));
      if (m == 3 && d == 1 && !is_leap_year (y))
        g_hash_table_add (seen, g_strdup ("02-29"));
    }

  if (g_hash_table_size (seen) >= 366)
    {
      append_not_blank (out, expr, AUD_FIELD_DATE);
      return;
    }

  {
    g_autofree const char **keys = (const char **)g_hash_table_get_keys_as_array (seen, NULL);
    guint n = g_hash_table_size (seen);

    /* Sorted, so that equal windows give equal SQL (and cache keys). */
    qsort (keys, n, sizeof (char *), (GCompareFunc)g_strcmp0);
    for (guint i = 0; i < n; i++)
      {
        g_autofree char *ph = param_text (c, keys[i]);
        g_string_append_printf (items, "%s%s", i > 0 ? ", " : "", ph);
      }
  }

  c->d->month_day (md, expr);
  g_string_append_printf (out, "(%s <> '' AND %s IN (%s))", expr, md->str, items->str);
}

static gboolean
compile_date (Compiler           *c,
              const AudCondition *cond,
              const char         *stored,
              AudFieldType        type,
              GString            *out,
              GError            **error)
{
  g_autofree char *date_expr = NULL;
  gboolean is_datetime = type == AUD_FIELD_DATETIME;
  int y, m, d;
  gint64 n;

  /* Age and birthdays work on the local date of a date-time. */
  if (is_datetime && (cond->op == AUD_OP_AGE_BETWEEN || cond->op == AUD_OP_BIRTHDAY_WITHIN_DAYS))
    {
      GString *s = g_string_new (NULL);
      g_autofree char *tz = param_tz (c);

      c->d->local_date (s, stored, tz);
      date_expr = g_string_free (s, FALSE);
      is_datetime = FALSE;
    }
  else
    date_expr = g_strdup (stored);

  switch (cond->op)
    {
    case AUD_OP_BEFORE:
    case AUD_OP_AFTER:
    case AUD_OP_ON:
      {
        Bound bound;

        if (!get_bound (c, cond->value, cond->path, &bound, error))
          return FALSE;

        if (is_datetime && !bound.date_only && cond->op != AUD_OP_ON)
          {
            /* A date and time: strictly before or after that second. */
            if (cond->op == AUD_OP_BEFORE)
              append_time_range (c, out, date_expr, G_MININT64, saturating_add (bound.ts, -1));
            else
              append_time_range (c, out, date_expr, saturating_add (bound.ts, 1), G_MAXINT64);
          }
        else if (is_datetime)
          {
            /* A date: the whole day in the workspace zone. */
            Bound day = { TRUE, bound.y, bound.m, bound.d, 0 };
            gint64 start = aud_start_of_day (c->ctx->tz, bound.y, bound.m, bound.d);
            gint64 end = bound_end (c, &day);

            if (cond->op == AUD_OP_BEFORE)
              append_time_range (c, out, date_expr, G_MININT64, saturating_add (start, -1));
            else if (cond->op == AUD_OP_AFTER)
              append_time_range (c, out, date_expr, saturating_add (end, 1), G_MAXINT64);
            else
              append_time_range (c, out, date_expr, start, end);
          }
        else
          {
            g_autofree char *text = date_text (bound.y, bound.m, bound.d);

            if (cond->op == AUD_OP_BEFORE)
              append_date_range (c, out, date_expr, NULL, FALSE, text, FALSE);
            else if (cond->op == AUD_OP_AFTER)
              append_date_range (c, out, date_expr, text, FALSE, NULL, FALSE);
            else
              append_date_range (c, out, date_expr, text, TRUE, text, TRUE);
          }
        return TRUE;
      }

    case AUD_OP_BETWEEN:
      {
        JsonNode *first, *second;
        Bound a, b;

        if (!get_pair (cond->value, cond->path, &first, &second, error) ||
            !get_bound (c, first, cond->path, &a, error) ||
            !get_bound (c, second, cond->path, &b, error))
          return FALSE;

        if (is_datetime)
          append_time_range (c, out, date_expr, a.ts, bound_end (c, &b));
        else
          {
            g_autofree char *low = date_text (a.y, a.m, a.d);
            g_autofree char *high = date_text (b.y, b.m, b.d);

            append_date_range (c, out, date_expr, low, TRUE, high, TRUE);
          }
        return TRUE;
      }

    case AUD_OP_WITHIN_LAST_DAYS:
    case AUD_OP_MORE_THAN_DAYS_AGO:
    case AUD_OP_WITHIN_NEXT_DAYS:
      if (!get_integer (cond->value, cond->path, &n, error))
        return FALSE;

      if (is_datetime)
        {
          gint64 now = c->ctx->now;
          gint64 span = days_to_seconds (n);

          if (cond->op == AUD_OP_WITHIN_LAST_DAYS)
            append_time_range (c, out, date_expr, saturating_add (now, -span), now);
          else if (cond->op == AUD_OP_MORE_THAN_DAYS_AGO)
            append_time_range (c, out, date_expr, G_MININT64,
                               saturating_add (saturating_add (now, -span), -1));
          else
            append_time_range (c, out, date_expr, now, saturating_add (now, span));
        }
      else
        {
          g_autofree char *today = date_text (c->today_y, c->today_m, c->today_d);
          g_autofree char *other = NULL;

          shift_date (c->today_y, c->today_m, c->today_d,
                      cond->op == AUD_OP_WITHIN_NEXT_DAYS ? n : -n, &y, &m, &d);
          other = date_text (y, m, d);

          if (cond->op == AUD_OP_WITHIN_LAST_DAYS)
            {
              if (n < 0)
                g_string_append (out, "FALSE");
              else
                append_date_range (c, out, date_expr, other, TRUE, today, TRUE);
            }
          else if (cond->op == AUD_OP_MORE_THAN_DAYS_AGO)
            append_date_range (c, out, date_expr, NULL, FALSE, other, FALSE);
          else if (n < 0)
            g_string_append (out, "FALSE");
          else
            append_date_range (c, out, date_expr, today, TRUE, other, TRUE);
        }
      return TRUE;

    case AUD_OP_AGE_BETWEEN:
      {
        JsonNode *first, *second;
        gint64 low, high;

        if (!get_pair (cond->value, cond->path, &first, &second, error) ||
            !get_integer (first, cond->path, &low, error) ||
            !get_integer (second, cond->path, &high, error))
          return FALSE;

        append_age_between (c, out, date_expr, low, high);
        return TRUE;
      }

    case AUD_OP_BIRTHDAY_WITHIN_DAYS:
      if (!get_integer (cond->value, cond->path, &n, error))
        return FALSE;

      append_birthday_within (c, out, date_expr, n);
      return TRUE;

    default:
      g_assert_not_reached ();
    }
}

static gboolean
op_applies (AudOp        op,
            AudFieldType type)
{
  switch (op)
    {
    case AUD_OP_BLANK:
    case AUD_OP_NOT_BLANK:
      return TRUE;

    case AUD_OP_EQ:
    case AUD_OP_NE:
    case AUD_OP_IN:
    case AUD_OP_NOT_IN:
      return is_text_type (type) || type == AUD_FIELD_INTEGER || type == AUD_FIELD_DECIMAL;

    case AUD_OP_CONTAINS:
    case AUD_OP_NOT_CONTAINS:
    case AUD_OP_STARTS_WITH:
    case AUD_OP_ENDS_WITH:
    case AUD_OP_MATCHES:
      return is_text_type (type);

    case AUD_OP_LT:
    case AUD_OP_LE:
    case AUD_OP_GT:
    case AUD_OP_GE:
      return type == AUD_FIELD_INTEGER || type == AUD_FIELD_DECIMAL;

    case AUD_OP_BETWEEN:
      return type == AUD_FIELD_INTEGER || type == AUD_FIELD_DECIMAL ||
             type == AUD_FIELD_DATE || type == AUD_FIELD_DATETIME;

    case AUD_OP_BEFORE:
    case AUD_OP_AFTER:
    case AUD_OP_ON:
    case AUD_OP_WITHIN_LAST_DAYS:
    case AUD_OP_MORE_THAN_DAYS_AGO:
    case AUD_OP_WITHIN_NEXT_DAYS:
    case AUD_OP_AGE_BETWEEN:
    case AUD_OP_BIRTHDAY_WITHIN_DAYS:
      return type == AUD_FIELD_DATE || type == AUD_FIELD_DATETIME;

    case AUD_OP_IS_TRUE:
    case AUD_OP_IS_FALSE:
      return type == AUD_FIELD_BOOLEAN;

    default:
      return FALSE;
    }
}

/* Appends a boolean SQL expression that is TRUE exactly when the value of
 * @expr (a column of @type at @scale) satisfies @cond, and FALSE or NULL
 * otherwise. A blank never satisfies a positive operator; the negative
 * operators (ne, not_in, not_contains) and `blank` are `IS NOT TRUE` of their
 * positive twin, so they are its exact complement and include blanks. */
static gboolean
compile_condition (Compiler           *c,
                   const AudCondition *cond,
                   const char         *expr,
                   AudFieldType        type,
                   guint               scale,
                   GString            *out,
                   GError            **error)
{
  AudCondition twin;

  if (!op_applies (cond->op, type))
    return fail_operator (error, cond->path, cond->op, cond->name, type);

  twin = *cond;
  switch (cond->op)
    {
    case AUD_OP_BLANK:
      g_string_append (out, "(");
      append_not_blank (out, expr, type);
      g_string_append (out, ") IS NOT TRUE");
      return TRUE;

    case AUD_OP_NOT_BLANK:
      append_not_blank (out, expr, type);
      return TRUE;

    case AUD_OP_NE:
    case AUD_OP_NOT_IN:
    case AUD_OP_NOT_CONTAINS:
      twin.op = cond->op == AUD_OP_NE ? AUD_OP_EQ :
                cond->op == AUD_OP_NOT_IN ? AUD_OP_IN : AUD_OP_CONTAINS;
      g_string_append (out, "(");
      if (!compile_condition (c, &twin, expr, type, scale, out, error))
        return FALSE;
      g_string_append (out, ") IS NOT TRUE");
      return TRUE;

    case AUD_OP_IS_TRUE:
      g_string_append_printf (out, "%s = 1", expr);
      return TRUE;

    case AUD_OP_IS_FALSE:
      g_string_append_printf (out, "%s = 0", expr);
      return TRUE;

    default:
      break;
    }

  switch (type)
    {
    case AUD_FIELD_TEXT:
    case AUD_FIELD_CATEGORY:
      return compile_text (c, cond, expr, out, error);

    case AUD_FIELD_INTEGER:
    case AUD_FIELD_DECIMAL:
      return compile_number (c, cond, expr, type == AUD_FIELD_DECIMAL ? scale : 0, out, error);

    case AUD_FIELD_DATE:
    case AUD_FIELD_DATETIME:
      return compile_date (c, cond, expr, type, out, error);

    case AUD_FIELD_BOOLEAN:
    default:
      return fail_operator (error, cond->path, cond->op, cond->name, type);
    }
}

/* The SQL expression, type and scale of an event property (or of the
 * built-ins @hour and @weekday). */
static gboolean
property_expr (Compiler        *c,
               const char      *path,
               const char      *name,
               const AudField  *field,
               int              builtin,
               char           **expr,
               AudFieldType    *type,
               guint           *scale,
               GError         **error)
{
  if (field != NULL)
    {
      *expr = g_strdup (field->column);
      *type = field->type;
      *scale = field->type == AUD_FIELD_DECIMAL ? field->scale : 0;
      return TRUE;
    }

  if (builtin == 1 || builtin == 2 ||
      g_strcmp0 (name, "@hour") == 0 || g_strcmp0 (name, "@weekday") == 0)
    {
      GString *s = g_string_new (NULL);
      g_autofree char *tz = param_tz (c);

      if (builtin == 1 || g_strcmp0 (name, "@hour") == 0)
        c->d->local_hour (s, "ts", tz);
      else
        c->d->local_weekday (s, "ts", tz);

      *expr = g_string_free (s, FALSE);
      *type = AUD_FIELD_INTEGER;
      *scale = 0;
      return TRUE;
    }

  g_set_error (error, AUD_COMPILER_ERROR, AUD_COMPILER_ERROR_INVALID,
               _("%s: the property “%s” is not resolved"), path, name != NULL ? name : "");
  return FALSE;
}

/* The column is read under the name `value`, so that the same condition
 * also runs over the distinct values of the column (dict_sql: the engine
 * binds them as a list and gets back the positions of those that match). */
static gboolean
compile_field_leaf (Compiler              *c,
                    const AudSegmentNode  *node,
                    AudCompiledLeaf       *leaf,
                    GString               *sql,
                    GError               **error)
{
  const AudCondition *cond = node->condition;
  g_autoptr(GString) test = g_string_new (NULL);
  g_autoptr(GString) dict = g_string_new ("SELECT key FROM ");
  g_autofree char *list = NULL;

  if (cond == NULL || cond->field == NULL)
    {
      g_set_error (error, AUD_COMPILER_ERROR, AUD_COMPILER_ERROR_INVALID,
                   _("%s: the field is not resolved"), node->path);
      return FALSE;
    }

  if (!compile_condition (c, cond, "value", cond->field->type,
                          cond->field->type == AUD_FIELD_DECIMAL ? cond->field->scale : 0,
                          test, error))
    return FALSE;

  g_string_append_printf (sql, "SELECT id FROM (SELECT id, %s AS value FROM customers) "
                          "WHERE (%s)", cond->field->column, test->str);

  list = placeholder_at (c, c->params->len + 1);
  c->d->value_list (dict, list);
  g_string_append_printf (dict, " WHERE (%s)", test->str);
  leaf->dict_sql = g_string_free (g_steal_pointer (&dict), FALSE);
  leaf->dict_column = g_strdup (cond->field->column);

  return TRUE;
}

static gboolean
is_count_op (AudOp op)
{
  return op == AUD_OP_GE || op == AUD_OP_GT || op == AUD_OP_LE || op == AUD_OP_LT ||
         op == AUD_OP_EQ || op == AUD_OP_BETWEEN;
}

/* The window of a `when`, inclusive: [G_MININT64, G_MAXINT64] and
 * *has_window FALSE for all time. FALSE with @error set for bad bounds. */
static gboolean
when_window (Compiler       *c,
             const AudWhen  *when,
             const char     *path,
             gboolean       *has_window,
             gint64         *from,
             gint64         *to,
             GError        **error)
{
  gint64 span;

  *from = G_MININT64;
  *to = G_MAXINT64;
  *has_window = TRUE;

  switch (when->kind)
    {
    case AUD_WHEN_WITHIN_LAST_DAYS:
      span = days_to_seconds (when->days);
      *from = saturating_add (c->ctx->now, -span);
      *to = c->ctx->now;
      return TRUE;

    case AUD_WHEN_MORE_THAN_DAYS_AGO:
      span = days_to_seconds (when->days);
      *to = saturating_add (saturating_add (c->ctx->now, -span), -1);
      return TRUE;

    case AUD_WHEN_BETWEEN:
      {
        Bound a, b;

        if (when->from == NULL || !parse_bound_text (c, when->from, &a) ||
            when->to == NULL || !parse_bound_text (c, when->to, &b))
          {
            g_set_error (error, AUD_COMPILER_ERROR, AUD_COMPILER_ERROR_INVALID,
                         _("%s: “between” needs two dates (YYYY-MM-DD) or dates and times"),
                         path);
            return FALSE;
          }

        *from = a.ts;
        *to = bound_end (c, &b);
        return TRUE;
      }

    case AUD_WHEN_ALWAYS:
    default:
      *has_window = FALSE;
      return TRUE;
    }
}

/* Whether reading property @field needs the event's row: the properties
 * of the (name, ts, customer) index do not. */
static gboolean
reads_row (const AudField *field)
{
  return field != NULL && !aud_store_field_in_event_index (field);
}

/* `SELECT columns FROM events WHERE where tail` into @sql, and when the
 * query reads columns outside the (name, ts, customer) index, the same as a
 * full scan of the table into leaf->scan_sql. @where starts with
 * leaf->estimate_filter, what the index answers.
 *
 * A query that reads columns outside the index first collects the row ids
 * of the events the index finds, then reads those rows in row id order:
 * neighbouring events share pages, where following the index order jumps
 * about the table (a third less time once the table is larger than the
 * memory map). Not for one customer's rows, which come from the index on
 * customers. */
static gboolean
event_queries (Compiler        *c,
               AudCompiledLeaf *leaf,
               GString         *sql,
               const char      *columns,
               const char      *where,
               const char      *tail)
{
  gsize n_indexed = strlen (leaf->estimate_filter);
  g_autofree char *with_ts = NULL;

  g_assert (strncmp (where, leaf->estimate_filter, n_indexed) == 0);

  /* A window's rows also give their time, last. */
  if (leaf->window_param >= 0)
    columns = with_ts = g_strconcat (columns, ", ts", NULL);

  if (leaf->reads_rows && !c->restrict_customer)
    g_string_append_printf (sql, "SELECT %s FROM events WHERE id IN (SELECT id FROM events "
                            "WHERE %s)%s%s", columns, leaf->estimate_filter,
                            where + n_indexed, tail);
  else
    g_string_append_printf (sql, "SELECT %s FROM events WHERE %s%s", columns, where, tail);

  if (leaf->reads_rows)
    {
      GString *scan = g_string_new (NULL);

      g_string_append_printf (scan, "SELECT %s FROM ", columns);
      c->d->unindexed (scan, "events");
      g_string_append_printf (scan, " WHERE %s%s", where, tail);
      leaf->scan_sql = g_string_free (scan, FALSE);
    }

  return TRUE;
}

static gboolean
compile_event_leaf (Compiler              *c,
                    const AudSegmentNode  *node,
                    AudCompiledLeaf       *leaf,
                    GString               *sql,
                    GError               **error)
{
  g_autoptr(GString) where = g_string_new ("customer IS NOT NULL");
  g_autofree char *when_path = g_strdup_printf ("%s.when", node->path);
  gboolean any_name = node->event_names == NULL || node->event_names[0] == NULL ||
                      g_str_equal (node->event_names[0], "*");
  gboolean has_window;
  gint64 from, to;

  /* Names */
  if (!any_name)
    {
      g_autoptr(GString) ids = g_string_new (NULL);

      for (guint i = 0; node->event_names[i] != NULL; i++)
        {
          g_autofree char *ph = NULL;

          if (node->event_ids == NULL || node->event_ids[i] < 0)
            continue;

          ph = param_int (c, node->event_ids[i]);
          g_string_append_printf (ids, "%s%s", ids->len > 0 ? ", " : "", ph);
        }

      if (ids->len == 0)
        g_string_append (where, " AND FALSE");
      else
        g_string_append_printf (where, " AND name IN (%s)", ids->str);
    }

  /* When: a filter on the events, except for first/last occurrence where it
   * applies to the one event found. */
  if (!when_window (c, &node->when, when_path, &has_window, &from, &to, error))
    return FALSE;

  if (has_window && node->occurrence == AUD_OCCURRENCE_ANY)
    {
      g_autofree char *lo = NULL;
      g_autofree char *hi = NULL;

      /* The (name, ts) index serves any-name criteria with a window too. */
      if (any_name)
        g_string_append (where, " AND name IN (SELECT id FROM event_names)");

      /* Both ends are parameters, even open ones (G_MININT64, G_MAXINT64),
       * so that the same query can read another window. */
      lo = param_int (c, from);
      leaf->window_param = c->params->len - 1;
      hi = param_int (c, to);
      g_string_append_printf (where, " AND (ts >= %s AND ts <= %s)", lo, hi);
      leaf->window_from = from;
      leaf->window_to = to;
    }

  /* What the (name, ts, customer) index alone can answer: for estimating
   * how many events a query reads. */
  leaf->estimate_filter = g_strdup (where->str);
  leaf->n_estimate_params = c->params->len;

  /* Where */
  for (guint i = 0; node->where != NULL && i < node->where->len; i++)
    {
      const AudCondition *cond = g_ptr_array_index (node->where, i);
      g_autofree char *expr = NULL;
      AudFieldType type;
      guint scale;

      if (!property_expr (c, cond->path, cond->name, cond->field, cond->builtin,
                          &expr, &type, &scale, error))
        return FALSE;

      leaf->reads_rows |= reads_row (cond->field);

      g_string_append (where, " AND (");
      if (!compile_condition (c, cond, expr, type, scale, where, error))
        return FALSE;
      g_string_append (where, ")");
    }

  if (node->occurrence != AUD_OCCURRENCE_ANY)
    {
      leaf->shape = AUD_LEAF_OCCURRENCE;
      leaf->occurrence = node->occurrence;
      leaf->window_from = from;
      leaf->window_to = to;
      return event_queries (c, leaf, sql, "customer, ts", where->str, "");
    }

  if (node->aggregate != AUD_AGG_NONE)
    {
      const AudCondition *agg = node->aggregate_condition;
      g_autofree char *expr = NULL;
      AudFieldType type;
      guint scale;
      guint n_values;

      if (agg == NULL)
        {
          g_set_error (error, AUD_COMPILER_ERROR, AUD_COMPILER_ERROR_INVALID,
                       _("%s: the aggregate has no property"), node->path);
          return FALSE;
        }

      if (!property_expr (c, agg->path, agg->name, agg->field, agg->builtin,
                          &expr, &type, &scale, error))
        return FALSE;

      if (type != AUD_FIELD_INTEGER && type != AUD_FIELD_DECIMAL)
        {
          g_set_error (error, AUD_COMPILER_ERROR, AUD_COMPILER_ERROR_UNSUPPORTED,
                       _("%s: “%s” is not a number property (it is %s)"),
                       agg->path, agg->name, type_label (type));
          return FALSE;
        }

      switch (agg->op)
        {
        case AUD_OP_EQ:
        case AUD_OP_NE:
        case AUD_OP_LT:
        case AUD_OP_LE:
        case AUD_OP_GT:
        case AUD_OP_GE:
          n_values = 1;
          break;

        case AUD_OP_BETWEEN:
          n_values = 2;
          if (agg->value == NULL || !JSON_NODE_HOLDS_ARRAY (agg->value) ||
              json_array_get_length (json_node_get_array (agg->value)) != 2)
            return fail_value (error, agg->path, _("a list of two values"), agg->value);
          break;

        case AUD_OP_IN:
        case AUD_OP_NOT_IN:
          if (agg->value == NULL || !JSON_NODE_HOLDS_ARRAY (agg->value))
            return fail_value (error, agg->path, _("a list of numbers"), agg->value);
          n_values = json_array_get_length (json_node_get_array (agg->value));
          break;

        default:
          return fail_operator (error, agg->path, agg->op, agg->name, type);
        }

      leaf->shape = AUD_LEAF_AGGREGATE;
      leaf->aggregate = node->aggregate;
      leaf->agg_op = agg->op;
      leaf->agg_scale = scale;
      for (guint i = 0; i < n_values; i++)
        {
          AudExact value;

          if (!get_exact (value_element (agg->value, i), agg->path, &value, error))
            return FALSE;
          g_array_append_val (leaf->agg_values, value);
        }

      {
        g_autofree char *columns = g_strdup_printf ("customer, %s", expr);
        g_autofree char *tail = g_strdup_printf (" AND %s IS NOT NULL", expr);

        leaf->reads_rows |= reads_row (agg->field);
        return event_queries (c, leaf, sql, columns, where->str, tail);
      }
    }

  leaf->count_op = node->count_op;
  leaf->count_value[0] = node->count_value[0];
  leaf->count_value[1] = node->count_value[1];
  if (!is_count_op (leaf->count_op))
    {
      /* The default: at least once. */
      leaf->count_op = AUD_OP_GE;
      leaf->count_value[0] = 1;
    }

  if (node->distinct != NULL)
    {
      g_autofree char *expr = NULL;
      AudFieldType type;
      guint scale;

      if (!property_expr (c, node->path, node->distinct, node->distinct_field,
                          0, &expr, &type, &scale, error))
        return FALSE;

      {
        g_autofree char *columns = g_strdup_printf ("customer, %s", expr);
        g_autoptr(GString) tail = g_string_new (" AND ");

        append_not_blank (tail, expr, type);
        leaf->shape = AUD_LEAF_COUNT;
        leaf->distinct = TRUE;
        leaf->reads_rows |= reads_row (node->distinct_field);
        return event_queries (c, leaf, sql, columns, where->str, tail->str);
      }
    }

  /* Counted in C per customer (also the default "at least once"), so that
   * editing the count reuses the counts. */
  leaf->shape = AUD_LEAF_COUNT;
  return event_queries (c, leaf, sql, "customer", where->str, "");
}

/* What a stored value of @field is divided by to give its number: 10^scale
 * for decimals. */
double
aud_compiler_field_divisor (const AudField *field)
{
  double divisor = 1;

  if (field->type == AUD_FIELD_DECIMAL)
    for (guint i = 0; i < field->scale; i++)
      divisor *= 10;

  return divisor;
}

/* Appends `lo <= expr <= hi` in stored units (degrees * divisor), rounded
 * outwards: the exact test is made on the rows found. */
static void
append_degree_range (Compiler   *c,
                     GString    *out,
                     const char *expr,
                     double      lo,
                     double      hi,
                     double      divisor)
{
  g_autofree char *a = param_int (c, (gint64)floor (CLAMP (lo, -1000.0, 1000.0) * divisor) - 1);
  g_autofree char *b = param_int (c, (gint64)ceil (CLAMP (hi, -1000.0, 1000.0) * divisor) + 1);

  g_string_append_printf (out, "%s BETWEEN %s AND %s", expr, a, b);
}

static gboolean
compile_near_leaf (Compiler              *c,
                   const AudSegmentNode  *node,
                   AudCompiledLeaf       *leaf,
                   GString               *sql,
                   GError               **error)
{
  const AudField *lat = c->ctx->latitude;
  const AudField *lon = c->ctx->longitude;
  gboolean boxable;
  double radius, dlat, dlon;

  if (lat == NULL || lon == NULL || !isfinite (node->km) || node->km < 0)
    {
      leaf->shape = AUD_LEAF_NONE;
      return TRUE;
    }

  leaf->shape = AUD_LEAF_NEAR;
  leaf->lat = node->lat;
  leaf->lon = node->lon;
  leaf->km = node->km;
  leaf->lat_divisor = aud_compiler_field_divisor (lat);
  leaf->lon_divisor = aud_compiler_field_divisor (lon);

  g_string_append_printf (sql, "SELECT id, %s, %s FROM customers WHERE %s IS NOT NULL AND %s "
                          "IS NOT NULL", lat->column, lon->column, lat->column, lon->column);

  /* Bounding box prefilter, for numeric columns only. */
  boxable = (lat->type == AUD_FIELD_DECIMAL || lat->type == AUD_FIELD_INTEGER) &&
            (lon->type == AUD_FIELD_DECIMAL || lon->type == AUD_FIELD_INTEGER);
  radius = node->km / EARTH_RADIUS_KM;
  if (!boxable || radius >= G_PI / 2)
    return TRUE;

  /* A small margin covers rounding in the conversions. */
  dlat = radius * 180.0 / G_PI + 1e-6;
  g_string_append (sql, " AND ");
  append_degree_range (c, sql, lat->column, node->lat - dlat, node->lat + dlat, leaf->lat_divisor);

  if (fabs (node->lat) + dlat < 89.0)
    {
      double lo, hi;

      dlon = asin (sin (radius) / cos (node->lat * G_PI / 180.0)) * 180.0 / G_PI + 1e-6;
      lo = node->lon - dlon;
      hi = node->lon + dlon;

      g_string_append (sql, " AND ");
      if (lo < -180.0)
        {
          g_string_append (sql, "(");
          append_degree_range (c, sql, lon->column, lo + 360.0, 180.0, leaf->lon_divisor);
          g_string_append (sql, " OR ");
          append_degree_range (c, sql, lon->column, -180.0, hi, leaf->lon_divisor);
          g_string_append (sql, ")");
        }
      else if (hi > 180.0)
        {
          g_string_append (sql, "(");
          append_degree_range (c, sql, lon->column, lo, 180.0, leaf->lon_divisor);
          g_string_append (sql, " OR ");
          append_degree_range (c, sql, lon->column, -180.0, hi - 360.0, leaf->lon_divisor);
          g_string_append (sql, ")");
        }
      else
        append_degree_range (c, sql, lon->column, lo, hi, leaf->lon_divisor);
    }

  return TRUE;
}

static gboolean
compile_bucket_leaf (Compiler              *c,
                     const AudSegmentNode  *node,
                     GString               *sql,
                     GError               **error)
{
  g_autofree char *salt = param_text (c, node->bucket_salt != NULL ? node->bucket_salt : "");
  g_autofree char *from = param_int (c, node->bucket_from);
  g_autofree char *to = param_int (c, node->bucket_to);

  g_string_append (sql, "SELECT id FROM customers WHERE ");
  c->d->bucket (sql, salt, "external_id");
  g_string_append_printf (sql, " BETWEEN %s AND %s", from, to);
  return TRUE;
}

AudCompiledLeaf *
aud_compile_leaf (const AudCompileContext *ctx,
                  const AudSegmentNode    *node,
                  gboolean                 restrict_customer,
                  GError                 **error)
{
  g_autoptr(AudCompiledLeaf) leaf = NULL;
  g_autoptr(GString) sql = g_string_new (NULL);
  Compiler c = { 0 };
  gboolean ok;

  g_return_val_if_fail (ctx != NULL, NULL);
  g_return_val_if_fail (ctx->dialect != NULL, NULL);
  g_return_val_if_fail (ctx->tz != NULL, NULL);
  g_return_val_if_fail (node != NULL, NULL);

  leaf = g_new0 (AudCompiledLeaf, 1);
  leaf->params = g_array_new (FALSE, TRUE, sizeof (AudSqlParam));
  g_array_set_clear_func (leaf->params, param_clear);
  leaf->agg_values = g_array_new (FALSE, TRUE, sizeof (AudExact));
  leaf->restrict_param = -1;
  leaf->window_param = -1;
  leaf->shape = AUD_LEAF_IDS;

  c.ctx = ctx;
  c.d = ctx->dialect;
  c.params = leaf->params;
  c.restrict_customer = restrict_customer;
  aud_date_of_time (ctx->tz, ctx->now, &c.today_y, &c.today_m, &c.today_d);

  switch (node->kind)
    {
    case AUD_NODE_FIELD:
      ok = compile_field_leaf (&c, node, leaf, sql, error);
      break;

    case AUD_NODE_EVENT:
      ok = compile_event_leaf (&c, node, leaf, sql, error);
      break;

    case AUD_NODE_NEAR:
      ok = compile_near_leaf (&c, node, leaf, sql, error);
      break;

    case AUD_NODE_BUCKET:
      ok = compile_bucket_leaf (&c, node, sql, error);
      break;

    case AUD_NODE_ALL:
    case AUD_NODE_ANY:
    case AUD_NODE_NOT:
    case AUD_NODE_SEGMENT:
    default:
      g_set_error (error, AUD_COMPILER_ERROR, AUD_COMPILER_ERROR_INVALID,
                   _("%s: not a criterion"), node->path);
      ok = FALSE;
      break;
    }

  if (!ok)
    return NULL;

  /* One customer's rows come from the index on customers. */
  if (restrict_customer)
    {
      g_clear_pointer (&leaf->scan_sql, g_free);
      g_clear_pointer (&leaf->dict_sql, g_free);
      g_clear_pointer (&leaf->dict_column, g_free);
    }

  if (restrict_customer && leaf->shape != AUD_LEAF_NONE)
    {
      g_autofree char *ph = param_int (&c, 0);

      leaf->restrict_param = leaf->params->len - 1;
      g_string_append_printf (sql, " AND %s = %s",
                              node->kind == AUD_NODE_EVENT ? "customer" : "id", ph);
    }

  leaf->sql = g_string_free (g_steal_pointer (&sql), FALSE);

  return g_steal_pointer (&leaf);
}

void
aud_compiled_leaf_free (AudCompiledLeaf *leaf)
{
  if (leaf == NULL)
    return;

  g_free (leaf->sql);
  g_free (leaf->scan_sql);
  g_free (leaf->dict_sql);
  g_free (leaf->dict_column);
  g_free (leaf->estimate_filter);
  g_free (leaf->query_key);
  g_clear_pointer (&leaf->params, g_array_unref);
  g_clear_pointer (&leaf->agg_values, g_array_unref);
  g_free (leaf->key);
  g_free (leaf);
}

/* The shape, the SQL and the parameters except those from @skip to
 * @skip + @n_skip - 1. */
static char *
build_query_key (const AudCompiledLeaf *leaf,
                 int                    skip,
                 int                    n_skip)
{
  GString *key = g_string_new (NULL);

  g_string_append_printf (key, "%d\n%s\n", leaf->shape, leaf->sql != NULL ? leaf->sql : "");

  for (guint i = 0; i < leaf->params->len; i++)
    {
      const AudSqlParam *p = &g_array_index (leaf->params, AudSqlParam, i);

      if ((int)i >= skip && (int)i < skip + n_skip)
        {
          g_string_append (key, "w;");
          continue;
        }

      switch (p->type)
        {
        case AUD_PARAM_INT:
          g_string_append_printf (key, "i%" G_GINT64_FORMAT ";", p->integer);
          break;

        case AUD_PARAM_REAL:
          g_string_append_printf (key, "r%a;", p->real);
          break;

        case AUD_PARAM_TEXT:
        default:
          g_string_append_printf (key, "t%zu:%s;", strlen (p->text), p->text);
          break;
        }
    }

  return g_string_free (key, FALSE);
}

const char *
aud_compiled_leaf_get_query_key (AudCompiledLeaf *leaf)
{
  g_return_val_if_fail (leaf != NULL, NULL);

  if (leaf->query_key == NULL)
    leaf->query_key = build_query_key (leaf, -1, 0);

  return leaf->query_key;
}

char *
aud_compiled_leaf_dup_rows_key (const AudCompiledLeaf *leaf)
{
  g_return_val_if_fail (leaf != NULL, NULL);
  g_return_val_if_fail (leaf->window_param >= 0, NULL);

  return build_query_key (leaf, leaf->window_param, 2);
}

const char *
aud_compiled_leaf_get_key (AudCompiledLeaf *leaf)
{
  GString *key;

  g_return_val_if_fail (leaf != NULL, NULL);

  if (leaf->key != NULL)
    return leaf->key;

  key = g_string_new (aud_compiled_leaf_get_query_key (leaf));

  switch (leaf->shape)
    {
    case AUD_LEAF_COUNT:
      g_string_append_printf (key, "\n%d %" G_GINT64_FORMAT " %" G_GINT64_FORMAT,
                              leaf->count_op, leaf->count_value[0], leaf->count_value[1]);
      break;

    case AUD_LEAF_AGGREGATE:
      g_string_append_printf (key, "\n%d %d %u", leaf->aggregate, leaf->agg_op, leaf->agg_scale);
      for (guint i = 0; i < leaf->agg_values->len; i++)
        {
          const AudExact *v = &g_array_index (leaf->agg_values, AudExact, i);
          unsigned __int128 m = (unsigned __int128)v->mantissa;

          g_string_append_printf (key, " %016" G_GINT64_MODIFIER "x%016" G_GINT64_MODIFIER "x/%u",
                                  (guint64)(m >> 64), (guint64)m, v->scale);
        }
      break;

    case AUD_LEAF_OCCURRENCE:
      g_string_append_printf (key, "\n%d %" G_GINT64_FORMAT " %" G_GINT64_FORMAT,
                              leaf->occurrence, leaf->window_from, leaf->window_to);
      break;

    case AUD_LEAF_NEAR:
      g_string_append_printf (key, "\n%a %a %a %a %a", leaf->lat, leaf->lon, leaf->km,
                              leaf->lat_divisor, leaf->lon_divisor);
      break;

    case AUD_LEAF_IDS:
    case AUD_LEAF_NONE:
    default:
      break;
    }

  leaf->key = g_string_free (key, FALSE);
  return leaf->key;
}
