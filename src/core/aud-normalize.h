/* aud-normalize.h
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Normalisation of contact data for exports: the forms that email tools and
 * ad platforms match on (docs/EXPORT-PRESETS.md gives the rules per preset).
 * Every function returns NULL (or FALSE) for a value that cannot be brought
 * into the form, never a guess. Results are valid UTF-8 in Unicode NFC.
 *
 * Pure functions: any thread, no state (the country table is built once,
 * thread-safely).
 */

/**
 * AudEmailFlags:
 * @AUD_EMAIL_DEFAULT: trim, lower-case, check the shape
 * @AUD_EMAIL_GMAIL_DOTS: also remove the dots before the `@` of
 *   `gmail.com` and `googlemail.com` addresses (Google's documented rule)
 */
typedef enum
{
  AUD_EMAIL_DEFAULT = 0,
  AUD_EMAIL_GMAIL_DOTS = 1 << 0,
} AudEmailFlags;

/**
 * AudNameFlags:
 * @AUD_NAME_DEFAULT: trim, lower-case, collapse inner white space to one
 *   space
 * @AUD_NAME_LETTERS_ONLY: keep letters (and their combining marks) only:
 *   no punctuation, digits or spaces ("Jean-Luc" -> "jeanluc")
 */
typedef enum
{
  AUD_NAME_DEFAULT = 0,
  AUD_NAME_LETTERS_ONLY = 1 << 0,
} AudNameFlags;

/* The ISO 3166-1 alpha-2 code (upper case, static) of @text: an alpha-2 or
 * alpha-3 code, or a country name in English or a common local form
 * ("Deutschland", "Österreich", "USA", "UK"), ASCII case- and
 * accent-insensitively. NULL when unknown. */
const char *aud_normalize_country        (const char    *text);

/* The country calling code ("49") of an ISO alpha-2 code, or NULL when the
 * numbering plan of that country is not known. */
const char *aud_normalize_calling_code   (const char    *iso2);

/* @text trimmed and lower-cased; NULL unless it has the shape
 * local@domain.tld (one `@`, no spaces or control characters). */
char       *aud_normalize_email          (const char    *text,
                                          AudEmailFlags  flags);

/* E.164 ("+49301234567") of a phone number as people write it: spaces,
 * dashes, dots, slashes and parentheses are ignored, a `(0)` after the
 * country code is dropped, `00` (and `011` in North America) is read as
 * `+`, and a national number (with or without its trunk prefix, `030
 * 1234567`) takes the calling code of @country (ISO alpha-2 or a name, see
 * aud_normalize_country(); may be NULL). An extension (`ext. 12`, `x12`,
 * `#12`) is dropped. NULL when the result is not a plausible number of its
 * country. */
char       *aud_normalize_phone          (const char    *text,
                                          const char    *country);

/* Lower-case, NFC, trimmed; see #AudNameFlags. NULL when nothing is left. */
char       *aud_normalize_name           (const char    *text,
                                          AudNameFlags   flags);

/* Lower-case, no white space; for the US (@country "US") the first five
 * digits of a ZIP+4. NULL when nothing is left. */
char       *aud_normalize_postal_code    (const char    *text,
                                          const char    *country);

/* "m" or "f" (static) for the common ways of writing a gender (m, male,
 * man, mr, f, female, woman, w, mrs, ms, and a few German and French
 * words), NULL for anything else. */
const char *aud_normalize_gender         (const char    *text);

/* The lower-case hex SHA-256 of @text's bytes. */
char       *aud_normalize_sha256         (const char    *text);

G_END_DECLS
