/* aud-value.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "aud-value"

#include "config.h"

#include <locale.h>
#include <limits.h>
#include <string.h>

#include "aud-value.h"

static const gint64 powers_of_ten[] = {
  1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000,
  1000000000, G_GINT64_CONSTANT (10000000000),
  G_GINT64_CONSTANT (100000000000), G_GINT64_CONSTANT (1000000000000),
  G_GINT64_CONSTANT (10000000000000), G_GINT64_CONSTANT (100000000000000),
  G_GINT64_CONSTANT (1000000000000000), G_GINT64_CONSTANT (10000000000000000),
  G_GINT64_CONSTANT (100000000000000000),
  G_GINT64_CONSTANT (1000000000000000000),
};

static inline gboolean
is_space (char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

/* Narrows [*start, *end) to exclude ASCII whitespace and no-break spaces
 * (U+00A0, U+202F) at both ends. */
static void
trim_span (const char **start,
           const char **end)
{
  const char *s = *start;
  const char *e = *end;

  for (;;)
    {
      if (s < e && is_space (*s))
        s++;
      else if (e - s >= 2 && (guchar)s[0] == 0xC2 && (guchar)s[1] == 0xA0)
        s += 2;
      else if (e - s >= 3 && (guchar)s[0] == 0xE2 && (guchar)s[1] == 0x80 && (guchar)s[2] == 0xAF)
        s += 3;
      else
        break;
    }

  for (;;)
    {
      if (e > s && is_space (e[-1]))
        e--;
      else if (e - s >= 2 && (guchar)e[-2] == 0xC2 && (guchar)e[-1] == 0xA0)
        e -= 2;
      else if (e - s >= 3 && (guchar)e[-3] == 0xE2 && (guchar)e[-2] == 0x80 && (guchar)e[-1] == 0xAF)
        e -= 3;
      else
        break;
    }

  *start = s;
  *end = e;
}

static void
trim_text (const char  *text,
           const char **start,
           const char **end)
{
  *start = text;
  *end = text + strlen (text);
  trim_span (start, end);
}

gboolean
aud_value_is_blank (const char         *text,
                    const char * const *blank_markers)
{
  const char *s, *e;

  if (text == NULL)
    return TRUE;

  /* Fast path: the common non-blank value starts with a visible ASCII char
   * and there are no markers to compare. */
  if (blank_markers == NULL && (guchar)text[0] > ' ' && (guchar)text[0] < 0x80)
    return FALSE;

  trim_text (text, &s, &e);
  if (s == e)
    return TRUE;

  if (blank_markers != NULL)
    {
      gsize len = e - s;

      for (guint i = 0; blank_markers[i] != NULL; i++)
        {
          if (strlen (blank_markers[i]) == len &&
              g_ascii_strncasecmp (blank_markers[i], s, len) == 0)
            return TRUE;
        }
    }

  return FALSE;
}

/* Returns the length of the group mark at @p (0 when none). 0xA0 stands
 * for U+00A0 and U+202F. */
static inline gsize
group_mark_length (const char *p,
                   const char *end,
                   char        group_mark)
{
  if (group_mark == 0 || p >= end)
    return 0;

  if ((guchar)group_mark == 0xA0)
    {
      if (end - p >= 2 && (guchar)p[0] == 0xC2 && (guchar)p[1] == 0xA0)
        return 2;
      if (end - p >= 3 && (guchar)p[0] == 0xE2 && (guchar)p[1] == 0x80 && (guchar)p[2] == 0xAF)
        return 3;
      return 0;
    }

  return *p == group_mark ? 1 : 0;
}

/* The shared number parser: [sign] digits (grouped by threes when
 * @format has a group mark) [mark digits], trimmed. Fails on anything else,
 * on overflow, or on more than AUD_DECIMAL_MAX_SCALE decimals (when
 * @allow_fraction). */
static gboolean
parse_number (const char            *start,
              const char            *end,
              const AudNumberFormat *format,
              gboolean               allow_fraction,
              gint64                *mantissa,
              guint                 *scale)
{
  const char *p;
  gboolean negative = FALSE;
  guint64 acc = 0;
  guint n_int = 0;
  guint n_frac = 0;
  guint group_len = 0;
  gboolean grouped = FALSE;
  char decimal_mark = format != NULL && format->decimal_mark != 0 ? format->decimal_mark : '.';
  char group_mark = format != NULL ? format->group_mark : 0;
  guint64 limit;

  trim_span (&start, &end);
  p = start;

  if (p < end && (*p == '-' || *p == '+'))
    {
      negative = *p == '-';
      p++;
    }

  for (; p < end; p++)
    {
      gsize glen;

      if (*p >= '0' && *p <= '9')
        {
          if (acc > (G_MAXUINT64 - 9) / 10)
            return FALSE;
          acc = acc * 10 + (*p - '0');
          n_int++;
          group_len++;
          continue;
        }

      glen = group_mark_length (p, end, group_mark);
      if (glen > 0)
        {
          /* The first group has 1-3 digits, the others exactly 3. */
          if (group_len == 0 || group_len > 3 || (grouped && group_len != 3))
            return FALSE;
          grouped = TRUE;
          group_len = 0;
          p += glen - 1;
          continue;
        }

      break;
    }

  if (grouped && group_len != 3)
    return FALSE;

  if (p < end && *p == decimal_mark)
    {
      if (!allow_fraction)
        return FALSE;
      p++;
      for (; p < end && *p >= '0' && *p <= '9'; p++)
        {
          if (acc > (G_MAXUINT64 - 9) / 10)
            return FALSE;
          acc = acc * 10 + (*p - '0');
          n_frac++;
        }
      if (n_frac == 0 || n_frac > AUD_DECIMAL_MAX_SCALE)
        return FALSE;
    }

  if (p != end || n_int + n_frac == 0)
    return FALSE;

  limit = negative ? (guint64)G_MAXINT64 + 1 : (guint64)G_MAXINT64;
  if (acc > limit)
    return FALSE;

  if (negative)
    *mantissa = acc == (guint64)G_MAXINT64 + 1 ? G_MININT64 : -(gint64)acc;
  else
    *mantissa = (gint64)acc;

  if (scale != NULL)
    *scale = n_frac;

  return TRUE;
}

gboolean
aud_value_parse_integer (const char            *text,
                         const AudNumberFormat *format,
                         gint64                *out)
{
  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  return parse_number (text, text + strlen (text), format, FALSE, out, NULL);
}

gboolean
aud_value_parse_decimal (const char            *text,
                         const AudNumberFormat *format,
                         gint64                *mantissa,
                         guint                 *scale)
{
  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (mantissa != NULL, FALSE);
  g_return_val_if_fail (scale != NULL, FALSE);

  return parse_number (text, text + strlen (text), format, TRUE, mantissa, scale);
}

gboolean
aud_value_rescale (gint64  mantissa,
                   guint   from_scale,
                   guint   to_scale,
                   gint64 *out)
{
  gint64 factor;

  g_return_val_if_fail (to_scale >= from_scale, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (to_scale - from_scale >= G_N_ELEMENTS (powers_of_ten))
    return mantissa == 0 ? (*out = 0, TRUE) : FALSE;

  factor = powers_of_ten[to_scale - from_scale];
  if (mantissa > G_MAXINT64 / factor || mantissa < G_MININT64 / factor)
    return FALSE;

  *out = mantissa * factor;
  return TRUE;
}

char *
aud_value_format_decimal (gint64 mantissa,
                          guint  scale)
{
  guint64 magnitude;
  guint64 divisor;
  const char *sign;

  g_return_val_if_fail (scale < G_N_ELEMENTS (powers_of_ten), NULL);

  sign = mantissa < 0 ? "-" : "";
  magnitude = mantissa < 0 ? (guint64)0 - (guint64)mantissa : (guint64)mantissa;

  if (scale == 0)
    return g_strdup_printf ("%s%" G_GUINT64_FORMAT, sign, magnitude);

  divisor = (guint64)powers_of_ten[scale];
  return g_strdup_printf ("%s%" G_GUINT64_FORMAT ".%0*" G_GUINT64_FORMAT,
                          sign, magnitude / divisor, (int)scale, magnitude % divisor);
}

static inline gboolean
is_leap_year (int year)
{
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int
days_in_month (int year,
               int month)
{
  static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

  if (month == 2 && is_leap_year (year))
    return 29;
  return days[month - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil). */
static gint64
days_from_civil (int year,
                 int month,
                 int day)
{
  gint64 y = year - (month <= 2);
  gint64 era = (y >= 0 ? y : y - 399) / 400;
  gint64 yoe = y - era * 400;
  gint64 doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  gint64 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

  return era * 146097 + doe - 719468;
}

static void
civil_from_days (gint64  z,
                 int    *year,
                 int    *month,
                 int    *day)
{
  gint64 era, doe, yoe, y, doy, mp;

  z += 719468;
  era = (z >= 0 ? z : z - 146096) / 146097;
  doe = z - era * 146097;
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = yoe + era * 400;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  *day = doy - (153 * mp + 2) / 5 + 1;
  *month = mp < 10 ? mp + 3 : mp - 9;
  *year = y + (*month <= 2);
}

/* Reads 1 to @max_digits digits at *@p (not past @end). Returns the
 * number of digits read (0: none). */
static inline guint
read_digits (const char **p,
             const char  *end,
             guint        max_digits,
             int         *value)
{
  guint n = 0;
  int v = 0;

  while (*p < end && n < max_digits && **p >= '0' && **p <= '9')
    {
      v = v * 10 + (**p - '0');
      (*p)++;
      n++;
    }

  *value = v;
  return n;
}

/* Parses a date at the start of [*p, end) and advances *p past it. ISO
 * order (a 4-digit first part) is accepted whatever @order says. */
static gboolean
parse_date_prefix (const char   **p,
                   const char    *end,
                   AudDateOrder   order,
                   int           *year,
                   int           *month,
                   int           *day)
{
  const char *s = *p;
  int a, b, c;
  guint na, nb, nc;
  char sep;
  int y, m, d;

  na = read_digits (&s, end, 4, &a);
  if (na == 0 || s >= end)
    return FALSE;
  sep = *s;
  if (sep != '-' && sep != '/' && sep != '.')
    return FALSE;
  s++;
  nb = read_digits (&s, end, 2, &b);
  if (nb == 0 || s >= end || *s != sep)
    return FALSE;
  s++;

  if (na == 4)
    {
      nc = read_digits (&s, end, 2, &c);
      if (nc == 0)
        return FALSE;
      y = a, m = b, d = c;
    }
  else
    {
      if (na > 2)
        return FALSE;
      nc = read_digits (&s, end, 4, &c);
      if (nc != 4)
        return FALSE;
      y = c;
      if (order == AUD_DATE_ORDER_MDY)
        m = a, d = b;
      else if (order == AUD_DATE_ORDER_DMY)
        d = a, m = b;
      else
        return FALSE;
    }

  /* A digit right after means the field was too long (e.g. 123-45-6789). */
  if (s < end && *s >= '0' && *s <= '9')
    return FALSE;

  if (y < 1 || m < 1 || m > 12 || d < 1 || d > days_in_month (y, m))
    return FALSE;

  *year = y;
  *month = m;
  *day = d;
  *p = s;
  return TRUE;
}

gboolean
aud_value_parse_date (const char   *text,
                      AudDateOrder  order,
                      int          *year,
                      int          *month,
                      int          *day)
{
  const char *s, *e;
  int y, m, d;

  g_return_val_if_fail (text != NULL, FALSE);

  trim_text (text, &s, &e);
  if (!parse_date_prefix (&s, e, order, &y, &m, &d) || s != e)
    return FALSE;

  if (year != NULL)
    *year = y;
  if (month != NULL)
    *month = m;
  if (day != NULL)
    *day = d;
  return TRUE;
}

char *
aud_value_format_date (int year,
                       int month,
                       int day)
{
  return g_strdup_printf ("%04d-%02d-%02d", year, month, day);
}

/* Parses `H:MM[:SS[.fff]][ AM|PM]` at *p; sets seconds since midnight. */
static gboolean
parse_time_prefix (const char **p,
                   const char  *end,
                   int         *seconds)
{
  const char *s = *p;
  int h, m, sec = 0;
  guint n;

  n = read_digits (&s, end, 2, &h);
  if (n == 0 || s >= end || *s != ':')
    return FALSE;
  s++;
  if (read_digits (&s, end, 2, &m) != 2)
    return FALSE;
  if (s < end && *s == ':')
    {
      s++;
      if (read_digits (&s, end, 2, &sec) != 2)
        return FALSE;
      if (s < end && (*s == '.' || *s == ','))
        {
          /* Fractions of a second are dropped: the store keeps seconds. */
          s++;
          if (s >= end || *s < '0' || *s > '9')
            return FALSE;
          while (s < end && *s >= '0' && *s <= '9')
            s++;
        }
    }

  if (m > 59 || sec > 59)
    return FALSE;

  /* A 12-hour clock: "8:26 PM", "12:05am". */
  {
    const char *t = s;

    while (t < end && *t == ' ')
      t++;
    if (end - t >= 2 && (t[1] == 'M' || t[1] == 'm') &&
        (t[0] == 'A' || t[0] == 'a' || t[0] == 'P' || t[0] == 'p'))
      {
        gboolean pm = t[0] == 'P' || t[0] == 'p';

        if (h < 1 || h > 12)
          return FALSE;
        h = (h % 12) + (pm ? 12 : 0);
        s = t + 2;
      }
  }

  if (h > 23)
    return FALSE;

  *seconds = h * 3600 + m * 60 + sec;
  *p = s;
  return TRUE;
}

/* Parses `Z`, `UTC`, `±HH`, `±HHMM` or `±HH:MM` (optionally after a space)
 * filling the rest of the span. */
static gboolean
parse_zone (const char *s,
            const char *end,
            int        *offset)
{
  int sign, h, m = 0;

  if (s < end && *s == ' ')
    s++;

  if (end - s == 1 && (*s == 'Z' || *s == 'z'))
    {
      *offset = 0;
      return TRUE;
    }
  if (end - s == 3 && g_ascii_strncasecmp (s, "UTC", 3) == 0)
    {
      *offset = 0;
      return TRUE;
    }

  if (s >= end || (*s != '+' && *s != '-'))
    return FALSE;
  sign = *s == '-' ? -1 : 1;
  s++;
  if (read_digits (&s, end, 2, &h) != 2)
    return FALSE;
  if (s < end && *s == ':')
    s++;
  if (s < end && read_digits (&s, end, 2, &m) != 2)
    return FALSE;
  if (s != end || h > 23 || m > 59)
    return FALSE;

  *offset = sign * (h * 3600 + m * 60);
  return TRUE;
}

static gboolean
tz_is_utc (GTimeZone *tz)
{
  const char *id;

  if (tz == NULL)
    return TRUE;

  id = g_time_zone_get_identifier (tz);
  return g_strcmp0 (id, "UTC") == 0 || g_strcmp0 (id, "Z") == 0 ||
         g_strcmp0 (id, "Etc/UTC") == 0 || g_strcmp0 (id, "+00:00") == 0;
}

gboolean
aud_value_parse_datetime (const char   *text,
                          AudDateOrder  order,
                          GTimeZone    *tz,
                          gint64       *utc_seconds)
{
  const char *s, *e;
  int year, month, day;
  int seconds = 0;
  int offset = 0;
  gboolean has_zone = FALSE;
  gint64 local;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (utc_seconds != NULL, FALSE);

  trim_text (text, &s, &e);
  if (!parse_date_prefix (&s, e, order, &year, &month, &day))
    return FALSE;

  if (s < e)
    {
      if (*s != 'T' && *s != 't' && *s != ' ')
        return FALSE;
      s++;
      while (s < e && *s == ' ')
        s++;
      if (!parse_time_prefix (&s, e, &seconds))
        return FALSE;
      if (s < e)
        {
          if (!parse_zone (s, e, &offset))
            return FALSE;
          has_zone = TRUE;
        }
    }

  local = days_from_civil (year, month, day) * 86400 + seconds;

  if (has_zone)
    {
      *utc_seconds = local - offset;
    }
  else if (tz_is_utc (tz))
    {
      *utc_seconds = local;
    }
  else
    {
      gint64 t = local;
      int interval = g_time_zone_adjust_time (tz, G_TIME_TYPE_STANDARD, &t);

      *utc_seconds = t - g_time_zone_get_offset (tz, interval);
    }

  return TRUE;
}

char *
aud_value_format_datetime (gint64 utc_seconds)
{
  gint64 days = utc_seconds / 86400;
  gint64 rest = utc_seconds % 86400;
  int year, month, day;

  if (rest < 0)
    {
      rest += 86400;
      days--;
    }

  civil_from_days (days, &year, &month, &day);
  return g_strdup_printf ("%04d-%02d-%02dT%02d:%02d:%02dZ",
                          year, month, day,
                          (int)(rest / 3600), (int)(rest / 60 % 60), (int)(rest % 60));
}

gboolean
aud_value_parse_boolean (const char *text,
                         gboolean   *out)
{
  static const struct {
    const char *text;
    gboolean value;
  } words[] = {
    { "true", TRUE }, { "false", FALSE },
    { "yes", TRUE }, { "no", FALSE },
    { "y", TRUE }, { "n", FALSE },
    { "t", TRUE }, { "f", FALSE },
    { "1", TRUE }, { "0", FALSE },
  };
  const char *s, *e;
  gsize len;

  g_return_val_if_fail (text != NULL, FALSE);

  trim_text (text, &s, &e);
  len = e - s;

  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    {
      if (strlen (words[i].text) == len &&
          g_ascii_strncasecmp (words[i].text, s, len) == 0)
        {
          if (out != NULL)
            *out = words[i].value;
          return TRUE;
        }
    }

  return FALSE;
}

/**
 * aud_value_format_count:
 *
 * @n with the locale's digit grouping ("100,000" in English, "100.000" in
 * German); grouped by three with ',' in locales that define no grouping
 * (C, C.UTF-8), so command-line output reads the same everywhere.
 *
 * Returns: (transfer full): the text
 */
char *
aud_value_format_count (gint64 n)
{
  const struct lconv *lc = localeconv ();
  const char *sep = lc->thousands_sep;
  const char *grouping = lc->grouping;
  char digits[24];
  GString *out;
  guint64 v;
  int n_digits;
  int group;
  int left;

  /* C and C.UTF-8 define no grouping: group by three with ','. */
  if (sep == NULL || *sep == '\0' || grouping == NULL || *grouping == '\0')
    {
      sep = ",";
      grouping = "\3";
    }

  v = n < 0 ? -(guint64)n : (guint64)n;
  n_digits = g_snprintf (digits, sizeof digits, "%" G_GUINT64_FORMAT, v);

  /* Walk the groups from the right: grouping[i] is the size of group i,
   * the last size repeats, CHAR_MAX stops grouping. */
  {
    int cuts[24];
    int n_cuts = 0;
    int pos = n_digits;

    while (TRUE)
      {
        group = *grouping;
        if (group <= 0 || group == CHAR_MAX || pos - group <= 0)
          break;
        pos -= group;
        cuts[n_cuts++] = pos;
        if (grouping[1] != '\0')
          grouping++;
      }

    out = g_string_sized_new (n_digits + n_cuts * strlen (sep) + 1);
    if (n < 0)
      g_string_append_c (out, '-');

    left = 0;
    for (int i = n_cuts - 1; i >= 0; i--)
      {
        g_string_append_len (out, digits + left, cuts[i] - left);
        g_string_append (out, sep);
        left = cuts[i];
      }
    g_string_append (out, digits + left);
  }

  return g_string_free (out, FALSE);
}

/**
 * aud_value_append_json_string:
 * @out: where to append
 * @text: UTF-8 text
 * @len: its length in bytes, or -1 when NUL-terminated
 *
 * Appends @text as a JSON string literal: quotes and backslashes escaped,
 * \b \f \n \r \t in their short forms, other control characters and DEL
 * as \u00XX, everything else as is. Runs of plain bytes are copied at once.
 */
void
aud_value_append_json_string (GString    *out,
                              const char *text,
                              gssize      len)
{
  gsize length = len < 0 ? strlen (text) : (gsize)len;
  gsize start = 0;

  g_string_append_c (out, '"');
  for (gsize i = 0; i < length; i++)
    {
      guchar c = text[i];

      if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f)
        continue;

      g_string_append_len (out, text + start, i - start);
      start = i + 1;

      switch (c)
        {
        case '"':
          g_string_append (out, "\\\"");
          break;
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '\b':
          g_string_append (out, "\\b");
          break;
        case '\f':
          g_string_append (out, "\\f");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\r':
          g_string_append (out, "\\r");
          break;
        case '\t':
          g_string_append (out, "\\t");
          break;
        default:
          g_string_append_printf (out, "\\u%04x", c);
          break;
        }
    }
  g_string_append_len (out, text + start, length - start);
  g_string_append_c (out, '"');
}
