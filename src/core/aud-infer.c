/* aud-infer.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "aud-infer"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "aud-infer.h"

/* Number formats tried, in order of preference when several read every
 * value: plain dot, dot with comma groups, decimal comma, comma with dot
 * groups, dot with apostrophe groups (Swiss), comma with space groups. */
static const AudNumberFormat number_formats[] = {
  { '.', 0 },
  { '.', ',' },
  { ',', 0 },
  { ',', '.' },
  { '.', '\'' },
  { ',', (char)0xA0 },
};

#define N_NUMBER_FORMATS G_N_ELEMENTS (number_formats)

/* Integers with more digits than this stay text (IDs, card numbers). */
#define MAX_INTEGER_DIGITS 15

/* What one column saw. A candidate type stays possible while every
 * non-blank value read so far fits it. */
typedef struct
{
  char        *name;
  guint        n_values;
  guint        n_blank;

  /* numbers */
  guint        number_ok;            /* bit per number_formats entry */
  guint        max_scale[N_NUMBER_FORMATS];
  gboolean     leading_zero;         /* "0001" */
  gboolean     too_many_digits;
  gboolean     comma_not_three;      /* a comma followed by other than 3 digits */
  gboolean     has_comma;
  gboolean     epoch_ok;             /* 9-11 digit integers */
  guint        n_numeric;            /* values that read as plain numbers */
  char        *non_numeric_example;
  double       min_value;
  double       max_value;

  /* dates */
  gboolean     date_ok;              /* every value is a date (no time) */
  gboolean     datetime_ok;          /* every value is a date with or without a time */
  gboolean     has_time;
  gboolean     dmy_ok;
  gboolean     mdy_ok;
  gboolean     has_non_iso;
  guint32      first_part_mask;      /* bit per value of the first number */
  guint32      second_part_mask;

  /* booleans */
  gboolean     boolean_ok;
  gboolean     boolean_digits_only;  /* only "0" and "1" */

  /* text */
  GHashTable  *distinct;             /* up to AUD_INFER_MAX_CATEGORIES + 1 */
  GHashTable  *all_values;           /* id-like columns only: uniqueness */
  gboolean     unique;
  guint        n_email;
  guint        n_phone;
  guint        n_phone_formatted;
} ColumnStats;

struct _AudInfer
{
  GStrv      blank_markers;
  GPtrArray *columns;   /* ColumnStats */
  guint      n_rows;
};

static void
column_stats_free (gpointer data)
{
  ColumnStats *stats = data;

  g_free (stats->name);
  g_free (stats->non_numeric_example);
  g_clear_pointer (&stats->distinct, g_hash_table_unref);
  g_clear_pointer (&stats->all_values, g_hash_table_unref);
  g_free (stats);
}

/* Lower-case ASCII words of a column name: "CustomerID" -> "customer_id",
 * "E-Mail" -> "e_mail", "Prénom" -> "prenom". */
static char *
normalize_name (const char *name)
{
  g_autofree char *ascii = g_str_to_ascii (name, "C");
  GString *out = g_string_new (NULL);
  gboolean sep = FALSE;

  for (const char *p = ascii; *p != '\0'; p++)
    {
      char c = *p;

      if (g_ascii_isalnum (c))
        {
          /* camelCase boundary: a capital after a lower-case letter or digit */
          if (g_ascii_isupper (c) && p > ascii &&
              (g_ascii_islower (p[-1]) || g_ascii_isdigit (p[-1])))
            sep = TRUE;
          if (sep && out->len > 0)
            g_string_append_c (out, '_');
          sep = FALSE;
          g_string_append_c (out, g_ascii_tolower (c));
        }
      else
        sep = TRUE;
    }

  return g_string_free (out, FALSE);
}

typedef struct
{
  char  *normalized;
  char  *compact;      /* without separators */
  GStrv  tokens;
} NameWords;

static void
name_words_init (NameWords  *words,
                 const char *name)
{
  words->normalized = normalize_name (name != NULL ? name : "");
  words->tokens = g_strsplit (words->normalized, "_", -1);
  words->compact = g_strjoinv ("", words->tokens);
}

static void
name_words_clear (NameWords *words)
{
  g_clear_pointer (&words->normalized, g_free);
  g_clear_pointer (&words->compact, g_free);
  g_clear_pointer (&words->tokens, g_strfreev);
}

static gboolean
in_list (const char         *word,
         const char * const *list)
{
  for (guint i = 0; list[i] != NULL; i++)
    if (strcmp (word, list[i]) == 0)
      return TRUE;
  return FALSE;
}

/* Whether a token of @words, or its compact form, is in @list. */
static gboolean
has_word (const NameWords    *words,
          const char * const *list)
{
  if (in_list (words->compact, list))
    return TRUE;
  for (guint i = 0; words->tokens[i] != NULL; i++)
    if (in_list (words->tokens[i], list))
      return TRUE;
  return FALSE;
}

static const char * const consent_words[] = {
  "opt", "optin", "optedin", "opted", "consent", "consents", "subscribed", "subscription",
  "subscribe", "permission", "newsletter", "unsubscribed", "accepts", "allow",
  "allowed", "einwilligung", "consentement", "consentimiento", "consentimento", "toestemming",
  "consenso", "abonniert", NULL
};
static const char * const sms_words[] = { "sms", "text", "texts", "mobile", "whatsapp", NULL };
static const char * const ads_words[] = {
  "ads", "ad", "advertising", "adverts", "retargeting", "facebook", "google", "audience",
  "audiences", "werbung", "publicite", "publicidad", "publicidade", "pubblicita", NULL
};
static const char * const email_words[] = {
  "email", "mail", "emailaddress", "mailaddress", "courriel", "correo", "correoelectronico",
  "emailadresse", "mailadresse", "adresseemail", "adressemail", "posta", "postaelettronica",
  "emailadres", NULL
};
static const char * const phone_words[] = {
  "phone", "phonenumber", "telephone", "tel", "telno", "mobile", "mobilephone", "cell",
  "cellphone", "handy", "telefon", "telefonnummer", "handynummer", "mobilnummer", "telefone",
  "telefono", "telephono", "portable", "celular", "movil", "mobiel", "telefoonnummer",
  "cellulare", "msisdn", "fone", NULL
};
static const char * const first_name_words[] = {
  "firstname", "givenname", "fname", "forename", "vorname", "prenom", "nombre",
  "primeironome", "voornaam", "nome", NULL
};
static const char * const last_name_words[] = {
  "lastname", "surname", "familyname", "lname", "nachname", "familienname", "nom", "apellido",
  "apellidos", "sobrenome", "achternaam", "cognome", NULL
};
static const char * const full_name_words[] = {
  "name", "fullname", "customername", "contactname", "reviewername", "clientname",
  "displayname", "membername", "buyername", "nomcomplet", "nombrecompleto", "nomecompleto",
  "volledigenaam", "kundenname", "naam", NULL
};
static const char * const gender_words[] = {
  "gender", "sex", "genre", "geschlecht", "sexe", "sexo", "genero", "geslacht", "sesso", NULL
};
static const char * const birth_words[] = {
  "birth", "birthdate", "birthday", "dob", "geburtsdatum", "geburtstag", "naissance",
  "nacimiento", "nascimento", "geboortedatum", "nascita", "cumpleanos", "aniversario", NULL
};
static const char * const country_words[] = {
  "country", "countrycode", "pays", "land", "pais", "paese", "nazione", NULL
};
static const char * const city_words[] = {
  "city", "town", "ville", "ciudad", "cidade", "stadt", "ort", "wohnort", "stad", "plaats",
  "woonplaats", "citta", "localidad", "municipio", "localite", NULL
};
static const char * const postal_words[] = {
  "zip", "zipcode", "postal", "postalcode", "postcode", "plz", "postleitzahl", "codepostal",
  "cp", "codigopostal", "cep", "cap", NULL
};
static const char * const latitude_words[] = {
  "lat", "latitude", "breitengrad", "breite", "latitud", NULL
};
static const char * const longitude_words[] = {
  "lng", "lon", "long", "longitude", "laengengrad", "langengrad", "laenge", "longitud", NULL
};
/* Whole names only: "DeviceProtection" is not a device. */
static const char * const device_words[] = {
  "device", "devicetype", "devicecategory", "devicemodel", "devicename", "deviceos",
  "lastdevice", "platform", "os", "useragent", "geraet", "gerat", "geraetetyp", "appareil",
  "dispositivo", "apparaat", NULL
};
static const char * const customer_words[] = {
  "customer", "client", "user", "member", "contact", "account", "reviewer", "buyer",
  "shopper", "subscriber", "kunden", "kunde", "cliente", "klant", "utilisateur", "usuario",
  "utente", NULL
};
static const char * const id_words[] = {
  "id", "nr", "no", "number", "nummer", "key", "code", "numero", "num", "uid", NULL
};
static const char * const strong_id_compact[] = {
  "kundennummer", "kundennr", "kundenid", "idcliente", "clienteid", "numeroclient",
  "klantnummer", "klantid", "codcliente", "customerno", "custid", "userid", "clientid", NULL
};
static const char * const weak_id_compact[] = {
  "customer", "client", "kunde", "cliente", "klant", "id", "uid", "identifier", NULL
};
static const char * const flag_words[] = {
  "is", "has", "flag", "opt", "optin", "optedin", "consent", "subscribed", "newsletter",
  "verified", "active", "enabled", "unsubscribed", "bounced", "churn", "churned", "vip",
  "deleted", "blocked", "confirmed", NULL
};
/* Whole names of a column that holds what happened (activity files). */
static const char * const event_name_compact[] = {
  "event", "eventname", "eventtype", "events", "action", "actiontype", "activity",
  "activitytype", "ereignis", "ereignistyp", "aktion", "evenement", "typeevenement", "evento",
  "tipoevento", "accion", "gebeurtenis", NULL
};
/* Words of a column that holds when it happened. */
static const char * const event_time_words[] = {
  "time", "timestamp", "ts", "date", "datetime", "at", "when", "occurred", "zeit",
  "zeitpunkt", "datum", "fecha", "hora", "horodatage", "data", "tijd", NULL
};
static const char * const epoch_words[] = {
  "unix", "epoch", "timestamp", "ts", NULL
};

/* 0 none; 1 a generic id ("ID"); 2 "client"; 3 "customer_id"; 4
 * "customer_unique_id". */
static guint
customer_id_priority (const NameWords *words)
{
  gboolean customer = has_word (words, customer_words);
  guint n_tokens = g_strv_length (words->tokens);
  /* The id word comes last: "customer_id", not "customer_zip_code_prefix" */
  gboolean id = n_tokens > 1 && in_list (words->tokens[n_tokens - 1], id_words);

  if (customer && id)
    {
      for (guint i = 0; words->tokens[i] != NULL; i++)
        if (strcmp (words->tokens[i], "unique") == 0)
          return 4;
      return 3;
    }
  if (in_list (words->compact, strong_id_compact))
    return 3;
  if (in_list (words->compact, weak_id_compact))
    return strcmp (words->compact, "id") == 0 || strcmp (words->compact, "uid") == 0 ||
           strcmp (words->compact, "identifier") == 0 ? 1 : 2;
  return 0;
}

static AudFieldRole
role_from_words (const NameWords *words)
{
  guint n_tokens = g_strv_length (words->tokens);
  const char *last = n_tokens > 0 ? words->tokens[n_tokens - 1] : "";

  if (words->compact[0] == '\0')
    return AUD_ROLE_NONE;

  if (has_word (words, consent_words))
    {
      if (has_word (words, sms_words))
        return AUD_ROLE_CONSENT_SMS;
      if (has_word (words, ads_words))
        return AUD_ROLE_CONSENT_ADS;
      return AUD_ROLE_CONSENT_EMAIL;
    }

  if (customer_id_priority (words) >= 2)
    return AUD_ROLE_CUSTOMER_ID;

  if (has_word (words, email_words) || strcmp (words->compact, "email") == 0)
    return AUD_ROLE_EMAIL;
  if (has_word (words, phone_words))
    return AUD_ROLE_PHONE;
  if (in_list (words->compact, first_name_words) ||
      (strcmp (last, "name") == 0 && n_tokens >= 2 &&
       (strcmp (words->tokens[n_tokens - 2], "first") == 0 ||
        strcmp (words->tokens[n_tokens - 2], "given") == 0)))
    return AUD_ROLE_FIRST_NAME;
  if (in_list (words->compact, last_name_words) ||
      (strcmp (last, "name") == 0 && n_tokens >= 2 &&
       (strcmp (words->tokens[n_tokens - 2], "last") == 0 ||
        strcmp (words->tokens[n_tokens - 2], "family") == 0)))
    return AUD_ROLE_LAST_NAME;
  if (in_list (words->compact, full_name_words))
    return AUD_ROLE_FULL_NAME;
  if (in_list (words->compact, gender_words) || has_word (words, gender_words))
    return AUD_ROLE_GENDER;
  if (has_word (words, birth_words) ||
      strcmp (words->normalized, "date_de_naissance") == 0)
    return AUD_ROLE_BIRTH_DATE;
  if (has_word (words, postal_words))
    return AUD_ROLE_POSTAL_CODE;
  if (has_word (words, country_words))
    return AUD_ROLE_COUNTRY;
  if (has_word (words, city_words))
    return AUD_ROLE_CITY;
  if (has_word (words, latitude_words))
    return AUD_ROLE_LATITUDE;
  if (has_word (words, longitude_words))
    return AUD_ROLE_LONGITUDE;
  if (in_list (words->compact, device_words))
    return AUD_ROLE_DEVICE;

  return AUD_ROLE_NONE;
}

AudFieldRole
aud_role_from_name (const char *name)
{
  NameWords words;
  AudFieldRole role;

  g_return_val_if_fail (name != NULL, AUD_ROLE_NONE);

  name_words_init (&words, name);
  role = role_from_words (&words);
  name_words_clear (&words);
  return role;
}

static ColumnStats *
column_stats_new (const char *name,
                  guint       n_blank)
{
  ColumnStats *stats = g_new0 (ColumnStats, 1);
  NameWords words;

  stats->name = g_strdup (name);
  stats->n_blank = n_blank;
  stats->number_ok = (1u << N_NUMBER_FORMATS) - 1;
  stats->epoch_ok = TRUE;
  stats->date_ok = TRUE;
  stats->datetime_ok = TRUE;
  stats->dmy_ok = TRUE;
  stats->mdy_ok = TRUE;
  stats->boolean_ok = TRUE;
  stats->boolean_digits_only = TRUE;
  stats->unique = TRUE;
  stats->min_value = INFINITY;
  stats->max_value = -INFINITY;
  stats->distinct = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  name_words_init (&words, name);
  if (customer_id_priority (&words) > 0)
    stats->all_values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  name_words_clear (&words);

  return stats;
}

AudInfer *
aud_infer_new (const char * const *blank_markers)
{
  AudInfer *self = g_new0 (AudInfer, 1);

  self->blank_markers = g_strdupv ((char **)blank_markers);
  self->columns = g_ptr_array_new_with_free_func (column_stats_free);
  return self;
}

void
aud_infer_free (AudInfer *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->columns, g_ptr_array_unref);
  g_clear_pointer (&self->blank_markers, g_strfreev);
  g_free (self);
}

void
aud_infer_set_columns (AudInfer           *self,
                       const char * const *names,
                       guint               n_columns)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (names != NULL || n_columns == 0);
  g_return_if_fail (n_columns >= self->columns->len);

  for (guint i = 0; i < self->columns->len; i++)
    {
      ColumnStats *stats = g_ptr_array_index (self->columns, i);

      if (g_strcmp0 (stats->name, names[i]) != 0)
        {
          g_free (stats->name);
          stats->name = g_strdup (names[i]);
        }
    }

  for (guint i = self->columns->len; i < n_columns; i++)
    g_ptr_array_add (self->columns, column_stats_new (names[i], self->n_rows));
}

guint
aud_infer_get_n_rows (AudInfer *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_rows;
}

/* Trims ASCII whitespace; returns the length of the trimmed text. */
static gsize
trimmed (const char  *text,
         const char **start)
{
  const char *s = text;
  const char *e = text + strlen (text);

  while (s < e && g_ascii_isspace (*s))
    s++;
  while (e > s && g_ascii_isspace (e[-1]))
    e--;
  *start = s;
  return e - s;
}

static gboolean
looks_like_email (const char *s,
                  gsize       len)
{
  const char *at = memchr (s, '@', len);
  const char *dot;

  if (at == NULL || at == s || memchr (at + 1, '@', len - (at + 1 - s)) != NULL)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (s[i] == ' ' || s[i] == ',' || s[i] == ';')
      return FALSE;
  dot = g_strrstr_len (at + 1, len - (at + 1 - s), ".");
  return dot != NULL && dot > at + 1 && (s + len) - dot >= 3;
}

/* Sets *formatted when the number has separators or a leading '+'. */
static gboolean
looks_like_phone (const char *s,
                  gsize       len,
                  gboolean   *formatted)
{
  guint digits = 0;

  *formatted = FALSE;
  for (gsize i = 0; i < len; i++)
    {
      char c = s[i];

      if (g_ascii_isdigit (c))
        digits++;
      else if (c == '+' && i == 0)
        *formatted = TRUE;
      else if (c == ' ' || c == '-' || c == '(' || c == ')' || c == '.' || c == '/')
        *formatted = TRUE;
      else
        return FALSE;
    }

  return digits >= 7 && digits <= 15;
}

/* Reads the first two numbers of a non-ISO date, for day/month order. */
static void
note_date_parts (ColumnStats *stats,
                 const char  *s,
                 gsize        len)
{
  guint a = 0, b = 0;
  gsize i = 0;

  while (i < len && g_ascii_isdigit (s[i]))
    a = a * 10 + (s[i++] - '0');
  if (i >= len || i > 2)
    return;
  i++;
  while (i < len && g_ascii_isdigit (s[i]))
    b = b * 10 + (s[i++] - '0');

  stats->has_non_iso = TRUE;
  if (a < 32)
    stats->first_part_mask |= 1u << a;
  if (b < 32)
    stats->second_part_mask |= 1u << b;
}

static void
add_value (AudInfer    *self,
           ColumnStats *stats,
           const char  *text)
{
  const char *s;
  gsize len = trimmed (text, &s);
  gboolean numeric = FALSE;
  gboolean formatted;
  gint64 mantissa;
  guint scale;
  int y, m, d;

  stats->n_values++;

  /* Numbers */
  if (stats->number_ok != 0 || stats->epoch_ok)
    {
      gsize digits = 0;
      const char *p = s;

      if (p < s + len && (*p == '-' || *p == '+'))
        p++;
      if (p + 1 < s + len && p[0] == '0' && g_ascii_isdigit (p[1]))
        stats->leading_zero = TRUE;
      for (const char *q = p; q < s + len; q++)
        digits += g_ascii_isdigit (*q) ? 1 : 0;
      if (digits > MAX_INTEGER_DIGITS)
        stats->too_many_digits = TRUE;

      for (guint f = 0; f < N_NUMBER_FORMATS; f++)
        {
          if ((stats->number_ok & (1u << f)) == 0)
            continue;
          if (aud_value_parse_decimal (text, &number_formats[f], &mantissa, &scale))
            {
              stats->max_scale[f] = MAX (stats->max_scale[f], scale);
              numeric = TRUE;
            }
          else
            stats->number_ok &= ~(1u << f);
        }

      if (memchr (s, ',', len) != NULL)
        {
          const char *comma = memchr (s, ',', len);

          stats->has_comma = TRUE;
          /* "1,5" or "1,23456": a decimal comma rather than a group */
          for (; comma != NULL; comma = memchr (comma + 1, ',', (s + len) - (comma + 1)))
            {
              gsize n = 0;

              while (comma + 1 + n < s + len && g_ascii_isdigit (comma[1 + n]))
                n++;
              if (n != 3)
                stats->comma_not_three = TRUE;
            }
        }

      if (stats->epoch_ok && !(digits >= 9 && digits <= 11 && digits == len))
        stats->epoch_ok = FALSE;
    }

  if (numeric || aud_value_parse_decimal (text, NULL, &mantissa, &scale))
    {
      double v = g_ascii_strtod (s, NULL);

      stats->n_numeric++;
      stats->min_value = MIN (stats->min_value, v);
      stats->max_value = MAX (stats->max_value, v);
    }
  else if (stats->non_numeric_example == NULL)
    stats->non_numeric_example = g_strndup (s, MIN (len, 40));

  /* Dates and date-times (ISO dates are read in any order) */
  if (stats->datetime_ok)
    {
      gboolean is_date_dmy = aud_value_parse_date (text, AUD_DATE_ORDER_DMY, &y, &m, &d);
      gboolean is_date_mdy = aud_value_parse_date (text, AUD_DATE_ORDER_MDY, &y, &m, &d);
      gint64 t;

      if (is_date_dmy || is_date_mdy)
        {
          stats->dmy_ok &= is_date_dmy;
          stats->mdy_ok &= is_date_mdy;
        }
      else
        {
          gboolean dt_dmy = aud_value_parse_datetime (text, AUD_DATE_ORDER_DMY, NULL, &t);
          gboolean dt_mdy = aud_value_parse_datetime (text, AUD_DATE_ORDER_MDY, NULL, &t);

          stats->date_ok = FALSE;
          stats->has_time = TRUE;
          stats->dmy_ok &= dt_dmy;
          stats->mdy_ok &= dt_mdy;
        }

      if (!stats->dmy_ok && !stats->mdy_ok)
        stats->datetime_ok = stats->date_ok = FALSE;
      else if (len > 0 && !(len >= 5 && g_ascii_isdigit (s[0]) && g_ascii_isdigit (s[1]) &&
                            g_ascii_isdigit (s[2]) && g_ascii_isdigit (s[3])))
        note_date_parts (stats, s, len);
    }

  /* Booleans */
  if (stats->boolean_ok)
    {
      gboolean b;

      if (!aud_value_parse_boolean (text, &b))
        stats->boolean_ok = FALSE;
      else if (!(len == 1 && (s[0] == '0' || s[0] == '1')))
        stats->boolean_digits_only = FALSE;
    }

  /* Distinct values and patterns */
  if (g_hash_table_size (stats->distinct) <= AUD_INFER_MAX_CATEGORIES &&
      !g_hash_table_contains (stats->distinct, text))
    g_hash_table_add (stats->distinct, g_strdup (text));

  if (stats->all_values != NULL && stats->unique)
    {
      if (g_hash_table_contains (stats->all_values, text))
        stats->unique = FALSE;
      else
        g_hash_table_add (stats->all_values, g_strdup (text));
    }

  if (looks_like_email (s, len))
    stats->n_email++;
  if (looks_like_phone (s, len, &formatted))
    {
      stats->n_phone++;
      if (formatted)
        stats->n_phone_formatted++;
    }
}

void
aud_infer_add_row (AudInfer           *self,
                   const char * const *cells,
                   guint               n_cells)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (cells != NULL || n_cells == 0);

  for (guint i = 0; i < self->columns->len; i++)
    {
      ColumnStats *stats = g_ptr_array_index (self->columns, i);
      const char *text = i < n_cells ? cells[i] : NULL;

      if (aud_value_is_blank (text, (const char * const *)self->blank_markers))
        stats->n_blank++;
      else
        add_value (self, stats, text);
    }

  self->n_rows++;
}

static void
add_note (AudColumnGuess *guess,
          char           *note)
{
  g_ptr_array_add (guess->notes, note);
}

static guint
count_bits (guint32 mask)
{
  guint n = 0;

  for (; mask != 0; mask &= mask - 1)
    n++;
  return n;
}

/* Decides the day/month order of a date column. */
static AudDateOrder
decide_date_order (ColumnStats    *stats,
                   AudColumnGuess *guess)
{
  guint first_values, second_values;

  if (!stats->has_non_iso)
    return AUD_DATE_ORDER_YMD;
  if (stats->dmy_ok && !stats->mdy_ok)
    return AUD_DATE_ORDER_DMY;
  if (stats->mdy_ok && !stats->dmy_ok)
    return AUD_DATE_ORDER_MDY;

  /* Both orders read every value: in a sample that covers a few days, the
   * day is the part that varies more. */
  first_values = count_bits (stats->first_part_mask);
  second_values = count_bits (stats->second_part_mask);

  if (second_values > first_values)
    {
      add_note (guess, g_strdup (_("Day and month order is ambiguous in all sampled values; assumed month first, because the second number varies more.")));
      return AUD_DATE_ORDER_MDY;
    }
  if (first_values > second_values)
    {
      add_note (guess, g_strdup (_("Day and month order is ambiguous in all sampled values; assumed day first, because the first number varies more.")));
      return AUD_DATE_ORDER_DMY;
    }

  add_note (guess, g_strdup (_("Day and month order is ambiguous in all sampled values; assumed day first.")));
  return AUD_DATE_ORDER_DMY;
}

/* Fills the format of @guess from @stats (role already guessed from the
 * name, may be adjusted here). */
static void
decide_format (ColumnStats    *stats,
               AudColumnGuess *guess,
               const NameWords *words)
{
  AudColumnFormat *format = &guess->format;
  gboolean text_only = guess->role == AUD_ROLE_POSTAL_CODE || guess->role == AUD_ROLE_PHONE;
  int f = -1;

  memset (format, 0, sizeof *format);
  format->type = AUD_FIELD_TEXT;
  format->number = AUD_NUMBER_FORMAT_PLAIN;

  if (stats->n_values == 0)
    {
      add_note (guess, g_strdup (_("All sampled values are blank; read as text.")));
      return;
    }

  /* Booleans: 0/1 only when the name says it is a flag */
  if (stats->boolean_ok &&
      (!stats->boolean_digits_only || has_word (words, flag_words) ||
       (guess->role >= AUD_ROLE_CONSENT_EMAIL && guess->role <= AUD_ROLE_CONSENT_ADS)))
    {
      format->type = AUD_FIELD_BOOLEAN;
      return;
    }

  /* Epoch seconds, when the name says so */
  if (stats->epoch_ok && stats->number_ok != 0 && has_word (words, epoch_words))
    {
      format->type = AUD_FIELD_DATETIME;
      format->epoch = TRUE;
      add_note (guess, g_strdup (_("Read as UNIX time (seconds since 1970) because of the column name.")));
      return;
    }

  /* Numbers; IDs with leading zeros and long digit strings stay text */
  if (stats->number_ok != 0 && text_only)
    {
      if (guess->role == AUD_ROLE_POSTAL_CODE)
        add_note (guess, g_strdup (_("Postal codes are kept as text, so leading zeros are not lost.")));
    }
  else if (stats->number_ok != 0 && stats->leading_zero)
    {
      add_note (guess, g_strdup (_("Values have leading zeros (like “0001”), so they are kept as text.")));
    }
  else if (stats->number_ok != 0 && stats->too_many_digits)
    {
      add_note (guess, g_strdup_printf (_("Values have more than %u digits, so they are kept as text."),
                                        MAX_INTEGER_DIGITS));
    }
  else if (stats->number_ok != 0)
    {
      /* A comma not followed by three digits is a decimal comma: prefer
       * the formats with one then. */
      if (stats->comma_not_three)
        {
          for (guint i = 0; f < 0 && i < N_NUMBER_FORMATS; i++)
            if ((stats->number_ok & (1u << i)) && number_formats[i].decimal_mark == ',')
              f = i;
        }
      for (guint i = 0; f < 0 && i < N_NUMBER_FORMATS; i++)
        if (stats->number_ok & (1u << i))
          f = i;

      format->number = number_formats[f];
      format->scale = stats->max_scale[f];
      format->type = format->scale > 0 ? AUD_FIELD_DECIMAL : AUD_FIELD_INTEGER;

      if (number_formats[f].group_mark == ',' && stats->has_comma)
        add_note (guess, g_strdup (_("Values like “1,234” were read with “,” as the thousands separator.")));
      else if (number_formats[f].decimal_mark == ',' && stats->has_comma)
        add_note (guess, g_strdup (_("Values use “,” as the decimal mark.")));
      return;
    }
  else if (stats->datetime_ok)
    {
      /* Dates and date-times */
      format->type = stats->date_ok ? AUD_FIELD_DATE : AUD_FIELD_DATETIME;
      format->date_order = decide_date_order (stats, guess);
      return;
    }

  /* Mostly numbers, with a few stray texts */
  if (stats->n_numeric * 10 >= stats->n_values * 9 && stats->non_numeric_example != NULL)
    add_note (guess, g_strdup_printf (_("Most values are numbers, but some are not (for example “%s”), so the column is read as text."),
                                      stats->non_numeric_example));

  if (guess->role != AUD_ROLE_CUSTOMER_ID && guess->role != AUD_ROLE_EMAIL &&
      guess->role != AUD_ROLE_PHONE && guess->role != AUD_ROLE_FULL_NAME &&
      guess->role != AUD_ROLE_POSTAL_CODE &&
      g_hash_table_size (stats->distinct) <= AUD_INFER_MAX_CATEGORIES &&
      g_hash_table_size (stats->distinct) * 2 <= stats->n_values)
    format->type = AUD_FIELD_CATEGORY;
}

/* Checks the name's role against the values, and guesses roles from the
 * values alone (emails, phones). */
static void
check_role (ColumnStats    *stats,
            AudColumnGuess *guess)
{
  AudFieldType type = guess->format.type;
  gboolean number = type == AUD_FIELD_DECIMAL || type == AUD_FIELD_INTEGER;

  switch (guess->role)
    {
    case AUD_ROLE_EMAIL:
      if (stats->n_values > 0 && stats->n_email * 2 < stats->n_values)
        guess->role = AUD_ROLE_NONE;
      break;

    case AUD_ROLE_PHONE:
      if (stats->n_values > 0 && stats->n_phone * 2 < stats->n_values)
        guess->role = AUD_ROLE_NONE;
      break;

    case AUD_ROLE_BIRTH_DATE:
      if (type != AUD_FIELD_DATE && type != AUD_FIELD_DATETIME)
        guess->role = AUD_ROLE_NONE;
      break;

    case AUD_ROLE_LATITUDE:
      if (!number || stats->min_value < -90 || stats->max_value > 90)
        guess->role = AUD_ROLE_NONE;
      break;

    case AUD_ROLE_LONGITUDE:
      if (!number || stats->min_value < -180 || stats->max_value > 180)
        guess->role = AUD_ROLE_NONE;
      break;

    case AUD_ROLE_CONSENT_EMAIL:
    case AUD_ROLE_CONSENT_SMS:
    case AUD_ROLE_CONSENT_ADS:
      if (type != AUD_FIELD_BOOLEAN && type != AUD_FIELD_CATEGORY)
        guess->role = AUD_ROLE_NONE;
      break;

    case AUD_ROLE_FIRST_NAME:
    case AUD_ROLE_LAST_NAME:
    case AUD_ROLE_FULL_NAME:
    case AUD_ROLE_CITY:
    case AUD_ROLE_COUNTRY:
    case AUD_ROLE_GENDER:
    case AUD_ROLE_DEVICE:
      if (type != AUD_FIELD_TEXT && type != AUD_FIELD_CATEGORY)
        guess->role = AUD_ROLE_NONE;
      break;

    default:
      break;
    }

  if (guess->role == AUD_ROLE_NONE && stats->n_values > 0 &&
      (type == AUD_FIELD_TEXT || type == AUD_FIELD_CATEGORY))
    {
      if (stats->n_email * 10 >= stats->n_values * 9)
        guess->role = AUD_ROLE_EMAIL;
      else if (stats->n_phone * 10 >= stats->n_values * 9 &&
               stats->n_phone_formatted * 2 >= stats->n_values)
        guess->role = AUD_ROLE_PHONE;
    }
}

void
aud_column_guess_free (AudColumnGuess *guess)
{
  if (guess == NULL)
    return;

  g_free (guess->name);
  g_clear_pointer (&guess->notes, g_ptr_array_unref);
  g_free (guess);
}

/* The columns of an activity file: the first text or category column named
 * like "event" or "action" holds the event name; the first date-time column
 * named like "timestamp", "occurred_at" or "InvoiceDate" holds its time.
 * Roles only: whether the file holds events is the importer's call. */
static void
assign_event_roles (GPtrArray *guesses)
{
  gboolean have_name = FALSE;
  gboolean have_time = FALSE;

  for (guint i = 0; i < guesses->len; i++)
    {
      AudColumnGuess *guess = g_ptr_array_index (guesses, i);
      NameWords words;

      if (guess->role != AUD_ROLE_NONE)
        continue;

      name_words_init (&words, guess->name);

      if (!have_name && in_list (words.compact, event_name_compact) &&
          (guess->format.type == AUD_FIELD_TEXT || guess->format.type == AUD_FIELD_CATEGORY))
        {
          guess->role = AUD_ROLE_EVENT_NAME;
          have_name = TRUE;
        }
      else if (!have_time && guess->format.type == AUD_FIELD_DATETIME &&
               has_word (&words, event_time_words))
        {
          guess->role = AUD_ROLE_EVENT_TIME;
          have_time = TRUE;
        }

      name_words_clear (&words);
    }
}

GPtrArray *
aud_infer_finish (AudInfer *self)
{
  GPtrArray *guesses;
  int best_id = -1;
  guint best_priority = 0;
  gboolean best_unique = FALSE;

  g_return_val_if_fail (self != NULL, NULL);

  guesses = g_ptr_array_new_with_free_func ((GDestroyNotify)aud_column_guess_free);

  for (guint i = 0; i < self->columns->len; i++)
    {
      ColumnStats *stats = g_ptr_array_index (self->columns, i);
      AudColumnGuess *guess = g_new0 (AudColumnGuess, 1);
      NameWords words;
      guint priority;
      gboolean unique = stats->all_values != NULL && stats->unique && stats->n_values > 0;

      name_words_init (&words, stats->name);

      guess->name = g_strdup (stats->name);
      guess->notes = g_ptr_array_new_with_free_func (g_free);
      guess->n_values = stats->n_values;
      guess->n_blank = stats->n_blank;
      guess->n_distinct = g_hash_table_size (stats->distinct);
      guess->unique = unique;
      guess->role = role_from_words (&words);

      /* One customer id: the best named one; a generic "ID" only when its
       * values are unique. */
      priority = customer_id_priority (&words);
      if (guess->role == AUD_ROLE_CUSTOMER_ID)
        guess->role = AUD_ROLE_NONE;
      if (priority > 0 && (priority > 1 || unique) &&
          (priority > best_priority || (priority == best_priority && unique && !best_unique)))
        {
          best_id = i;
          best_priority = priority;
          best_unique = unique;
        }

      decide_format (stats, guess, &words);
      check_role (stats, guess);
      name_words_clear (&words);

      g_ptr_array_add (guesses, guess);
    }

  if (best_id >= 0)
    {
      AudColumnGuess *guess = g_ptr_array_index (guesses, best_id);

      guess->role = AUD_ROLE_CUSTOMER_ID;
      if (guess->format.type == AUD_FIELD_CATEGORY)
        guess->format.type = AUD_FIELD_TEXT;
    }

  assign_event_roles (guesses);

  return guesses;
}

GPtrArray *
aud_infer_sample (AudReader           *reader,
                  guint                max_rows,
                  const char * const  *blank_markers,
                  GError             **error)
{
  g_autoptr(AudInfer) infer = NULL;
  AudRow *row;
  guint n_columns = 0;
  const char * const *columns;

  g_return_val_if_fail (AUD_IS_READER (reader), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (max_rows == 0)
    max_rows = AUD_INFER_SAMPLE_ROWS;

  infer = aud_infer_new (blank_markers);
  columns = aud_reader_get_columns (reader, &n_columns);
  aud_infer_set_columns (infer, columns, n_columns);

  while (infer->n_rows < max_rows)
    {
      g_autoptr(GError) local_error = NULL;

      if (!aud_reader_next (reader, &row, &local_error))
        {
          if (local_error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return NULL;
            }
          break;
        }

      if (row->problem != AUD_ROW_PROBLEM_NONE)
        continue;

      if (row->n_cells > n_columns)
        {
          columns = aud_reader_get_columns (reader, &n_columns);
          aud_infer_set_columns (infer, columns, n_columns);
        }

      aud_infer_add_row (infer, (const char * const *)row->cells, row->n_cells);
    }

  /* JSON columns may have grown without a row having all of them. */
  columns = aud_reader_get_columns (reader, &n_columns);
  aud_infer_set_columns (infer, columns, n_columns);

  return aud_infer_finish (infer);
}

static inline void
format_date (char *buf,
             int   year,
             int   month,
             int   day)
{
  buf[0] = '0' + year / 1000;
  buf[1] = '0' + year / 100 % 10;
  buf[2] = '0' + year / 10 % 10;
  buf[3] = '0' + year % 10;
  buf[4] = '-';
  buf[5] = '0' + month / 10;
  buf[6] = '0' + month % 10;
  buf[7] = '-';
  buf[8] = '0' + day / 10;
  buf[9] = '0' + day % 10;
  buf[10] = '\0';
}

AudConvertResult
aud_column_format_convert (const AudColumnFormat *format,
                           const char            *text,
                           GTimeZone             *tz,
                           const char * const    *blank_markers,
                           AudValue              *out)
{
  gint64 mantissa;
  guint scale;
  gboolean b;
  int y, m, d;

  g_return_val_if_fail (format != NULL, AUD_CONVERT_MISMATCH);
  g_return_val_if_fail (out != NULL, AUD_CONVERT_MISMATCH);

  out->type = format->type;
  out->integer = 0;
  out->scale = 0;
  out->text = NULL;

  if (aud_value_is_blank (text, blank_markers))
    return AUD_CONVERT_BLANK;

  switch (format->type)
    {
    case AUD_FIELD_TEXT:
    case AUD_FIELD_CATEGORY:
      out->text = text;
      return AUD_CONVERT_OK;

    case AUD_FIELD_INTEGER:
      return aud_value_parse_integer (text, &format->number, &out->integer)
               ? AUD_CONVERT_OK : AUD_CONVERT_MISMATCH;

    case AUD_FIELD_DECIMAL:
      if (!aud_value_parse_decimal (text, &format->number, &mantissa, &scale))
        return AUD_CONVERT_MISMATCH;
      if (scale > format->scale)
        {
          out->integer = mantissa;
          out->scale = scale;
          return AUD_CONVERT_NEEDS_SCALE;
        }
      if (!aud_value_rescale (mantissa, scale, format->scale, &out->integer))
        return AUD_CONVERT_MISMATCH;
      out->scale = format->scale;
      return AUD_CONVERT_OK;

    case AUD_FIELD_DATE:
      if (!aud_value_parse_date (text, format->date_order, &y, &m, &d))
        return AUD_CONVERT_MISMATCH;
      format_date (out->date_buf, y, m, d);
      out->text = out->date_buf;
      return AUD_CONVERT_OK;

    case AUD_FIELD_DATETIME:
      if (format->epoch)
        return aud_value_parse_integer (text, NULL, &out->integer)
                 ? AUD_CONVERT_OK : AUD_CONVERT_MISMATCH;
      return aud_value_parse_datetime (text, format->date_order, tz, &out->integer)
               ? AUD_CONVERT_OK : AUD_CONVERT_MISMATCH;

    case AUD_FIELD_BOOLEAN:
      if (!aud_value_parse_boolean (text, &b))
        return AUD_CONVERT_MISMATCH;
      out->integer = b ? 1 : 0;
      return AUD_CONVERT_OK;

    default:
      return AUD_CONVERT_MISMATCH;
    }
}
