/* aud-normalize.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "aud-normalize"

#include "config.h"

#include <string.h>

#include "aud-normalize.h"

/* E.164 allows at most 15 digits, country code included. */
#define E164_MAX_DIGITS 15

typedef struct
{
  const char *alpha2;
  const char *alpha3;
  const char *name;
  const char *common_name;
} Country;

/* ISO 3166-1, sorted by alpha-2. */
static const Country countries[] = {
  { "AD", "AND", "Andorra", NULL },
  { "AE", "ARE", "United Arab Emirates", NULL },
  { "AF", "AFG", "Afghanistan", NULL },
  { "AG", "ATG", "Antigua and Barbuda", NULL },
  { "AI", "AIA", "Anguilla", NULL },
  { "AL", "ALB", "Albania", NULL },
  { "AM", "ARM", "Armenia", NULL },
  { "AO", "AGO", "Angola", NULL },
  { "AQ", "ATA", "Antarctica", NULL },
  { "AR", "ARG", "Argentina", NULL },
  { "AS", "ASM", "American Samoa", NULL },
  { "AT", "AUT", "Austria", NULL },
  { "AU", "AUS", "Australia", NULL },
  { "AW", "ABW", "Aruba", NULL },
  { "AX", "ALA", "Åland Islands", NULL },
  { "AZ", "AZE", "Azerbaijan", NULL },
  { "BA", "BIH", "Bosnia and Herzegovina", NULL },
  { "BB", "BRB", "Barbados", NULL },
  { "BD", "BGD", "Bangladesh", NULL },
  { "BE", "BEL", "Belgium", NULL },
  { "BF", "BFA", "Burkina Faso", NULL },
  { "BG", "BGR", "Bulgaria", NULL },
  { "BH", "BHR", "Bahrain", NULL },
  { "BI", "BDI", "Burundi", NULL },
  { "BJ", "BEN", "Benin", NULL },
  { "BL", "BLM", "Saint Barthélemy", NULL },
  { "BM", "BMU", "Bermuda", NULL },
  { "BN", "BRN", "Brunei Darussalam", NULL },
  { "BO", "BOL", "Bolivia, Plurinational State of", "Bolivia" },
  { "BQ", "BES", "Bonaire, Sint Eustatius and Saba", NULL },
  { "BR", "BRA", "Brazil", NULL },
  { "BS", "BHS", "Bahamas", NULL },
  { "BT", "BTN", "Bhutan", NULL },
  { "BV", "BVT", "Bouvet Island", NULL },
  { "BW", "BWA", "Botswana", NULL },
  { "BY", "BLR", "Belarus", NULL },
  { "BZ", "BLZ", "Belize", NULL },
  { "CA", "CAN", "Canada", NULL },
  { "CC", "CCK", "Cocos (Keeling) Islands", NULL },
  { "CD", "COD", "Congo, The Democratic Republic of the", NULL },
  { "CF", "CAF", "Central African Republic", NULL },
  { "CG", "COG", "Congo", NULL },
  { "CH", "CHE", "Switzerland", NULL },
  { "CI", "CIV", "Côte d'Ivoire", NULL },
  { "CK", "COK", "Cook Islands", NULL },
  { "CL", "CHL", "Chile", NULL },
  { "CM", "CMR", "Cameroon", NULL },
  { "CN", "CHN", "China", NULL },
  { "CO", "COL", "Colombia", NULL },
  { "CR", "CRI", "Costa Rica", NULL },
  { "CU", "CUB", "Cuba", NULL },
  { "CV", "CPV", "Cabo Verde", NULL },
  { "CW", "CUW", "Curaçao", NULL },
  { "CX", "CXR", "Christmas Island", NULL },
  { "CY", "CYP", "Cyprus", NULL },
  { "CZ", "CZE", "Czechia", NULL },
  { "DE", "DEU", "Germany", NULL },
  { "DJ", "DJI", "Djibouti", NULL },
  { "DK", "DNK", "Denmark", NULL },
  { "DM", "DMA", "Dominica", NULL },
  { "DO", "DOM", "Dominican Republic", NULL },
  { "DZ", "DZA", "Algeria", NULL },
  { "EC", "ECU", "Ecuador", NULL },
  { "EE", "EST", "Estonia", NULL },
  { "EG", "EGY", "Egypt", NULL },
  { "EH", "ESH", "Western Sahara", NULL },
  { "ER", "ERI", "Eritrea", NULL },
  { "ES", "ESP", "Spain", NULL },
  { "ET", "ETH", "Ethiopia", NULL },
  { "FI", "FIN", "Finland", NULL },
  { "FJ", "FJI", "Fiji", NULL },
  { "FK", "FLK", "Falkland Islands (Malvinas)", NULL },
  { "FM", "FSM", "Micronesia, Federated States of", NULL },
  { "FO", "FRO", "Faroe Islands", NULL },
  { "FR", "FRA", "France", NULL },
  { "GA", "GAB", "Gabon", NULL },
  { "GB", "GBR", "United Kingdom", NULL },
  { "GD", "GRD", "Grenada", NULL },
  { "GE", "GEO", "Georgia", NULL },
  { "GF", "GUF", "French Guiana", NULL },
  { "GG", "GGY", "Guernsey", NULL },
  { "GH", "GHA", "Ghana", NULL },
  { "GI", "GIB", "Gibraltar", NULL },
  { "GL", "GRL", "Greenland", NULL },
  { "GM", "GMB", "Gambia", NULL },
  { "GN", "GIN", "Guinea", NULL },
  { "GP", "GLP", "Guadeloupe", NULL },
  { "GQ", "GNQ", "Equatorial Guinea", NULL },
  { "GR", "GRC", "Greece", NULL },
  { "GS", "SGS", "South Georgia and the South Sandwich Islands", NULL },
  { "GT", "GTM", "Guatemala", NULL },
  { "GU", "GUM", "Guam", NULL },
  { "GW", "GNB", "Guinea-Bissau", NULL },
  { "GY", "GUY", "Guyana", NULL },
  { "HK", "HKG", "Hong Kong", NULL },
  { "HM", "HMD", "Heard Island and McDonald Islands", NULL },
  { "HN", "HND", "Honduras", NULL },
  { "HR", "HRV", "Croatia", NULL },
  { "HT", "HTI", "Haiti", NULL },
  { "HU", "HUN", "Hungary", NULL },
  { "ID", "IDN", "Indonesia", NULL },
  { "IE", "IRL", "Ireland", NULL },
  { "IL", "ISR", "Israel", NULL },
  { "IM", "IMN", "Isle of Man", NULL },
  { "IN", "IND", "India", NULL },
  { "IO", "IOT", "British Indian Ocean Territory", NULL },
  { "IQ", "IRQ", "Iraq", NULL },
  { "IR", "IRN", "Iran, Islamic Republic of", "Iran" },
  { "IS", "ISL", "Iceland", NULL },
  { "IT", "ITA", "Italy", NULL },
  { "JE", "JEY", "Jersey", NULL },
  { "JM", "JAM", "Jamaica", NULL },
  { "JO", "JOR", "Jordan", NULL },
  { "JP", "JPN", "Japan", NULL },
  { "KE", "KEN", "Kenya", NULL },
  { "KG", "KGZ", "Kyrgyzstan", NULL },
  { "KH", "KHM", "Cambodia", NULL },
  { "KI", "KIR", "Kiribati", NULL },
  { "KM", "COM", "Comoros", NULL },
  { "KN", "KNA", "Saint Kitts and Nevis", NULL },
  { "KP", "PRK", "Korea, Democratic People's Republic of", "North Korea" },
  { "KR", "KOR", "Korea, Republic of", "South Korea" },
  { "KW", "KWT", "Kuwait", NULL },
  { "KY", "CYM", "Cayman Islands", NULL },
  { "KZ", "KAZ", "Kazakhstan", NULL },
  { "LA", "LAO", "Lao People's Democratic Republic", "Laos" },
  { "LB", "LBN", "Lebanon", NULL },
  { "LC", "LCA", "Saint Lucia", NULL },
  { "LI", "LIE", "Liechtenstein", NULL },
  { "LK", "LKA", "Sri Lanka", NULL },
  { "LR", "LBR", "Liberia", NULL },
  { "LS", "LSO", "Lesotho", NULL },
  { "LT", "LTU", "Lithuania", NULL },
  { "LU", "LUX", "Luxembourg", NULL },
  { "LV", "LVA", "Latvia", NULL },
  { "LY", "LBY", "Libya", NULL },
  { "MA", "MAR", "Morocco", NULL },
  { "MC", "MCO", "Monaco", NULL },
  { "MD", "MDA", "Moldova, Republic of", "Moldova" },
  { "ME", "MNE", "Montenegro", NULL },
  { "MF", "MAF", "Saint Martin (French part)", NULL },
  { "MG", "MDG", "Madagascar", NULL },
  { "MH", "MHL", "Marshall Islands", NULL },
  { "MK", "MKD", "North Macedonia", NULL },
  { "ML", "MLI", "Mali", NULL },
  { "MM", "MMR", "Myanmar", NULL },
  { "MN", "MNG", "Mongolia", NULL },
  { "MO", "MAC", "Macao", NULL },
  { "MP", "MNP", "Northern Mariana Islands", NULL },
  { "MQ", "MTQ", "Martinique", NULL },
  { "MR", "MRT", "Mauritania", NULL },
  { "MS", "MSR", "Montserrat", NULL },
  { "MT", "MLT", "Malta", NULL },
  { "MU", "MUS", "Mauritius", NULL },
  { "MV", "MDV", "Maldives", NULL },
  { "MW", "MWI", "Malawi", NULL },
  { "MX", "MEX", "Mexico", NULL },
  { "MY", "MYS", "Malaysia", NULL },
  { "MZ", "MOZ", "Mozambique", NULL },
  { "NA", "NAM", "Namibia", NULL },
  { "NC", "NCL", "New Caledonia", NULL },
  { "NE", "NER", "Niger", NULL },
  { "NF", "NFK", "Norfolk Island", NULL },
  { "NG", "NGA", "Nigeria", NULL },
  { "NI", "NIC", "Nicaragua", NULL },
  { "NL", "NLD", "Netherlands", NULL },
  { "NO", "NOR", "Norway", NULL },
  { "NP", "NPL", "Nepal", NULL },
  { "NR", "NRU", "Nauru", NULL },
  { "NU", "NIU", "Niue", NULL },
  { "NZ", "NZL", "New Zealand", NULL },
  { "OM", "OMN", "Oman", NULL },
  { "PA", "PAN", "Panama", NULL },
  { "PE", "PER", "Peru", NULL },
  { "PF", "PYF", "French Polynesia", NULL },
  { "PG", "PNG", "Papua New Guinea", NULL },
  { "PH", "PHL", "Philippines", NULL },
  { "PK", "PAK", "Pakistan", NULL },
  { "PL", "POL", "Poland", NULL },
  { "PM", "SPM", "Saint Pierre and Miquelon", NULL },
  { "PN", "PCN", "Pitcairn", NULL },
  { "PR", "PRI", "Puerto Rico", NULL },
  { "PS", "PSE", "Palestine, State of", NULL },
  { "PT", "PRT", "Portugal", NULL },
  { "PW", "PLW", "Palau", NULL },
  { "PY", "PRY", "Paraguay", NULL },
  { "QA", "QAT", "Qatar", NULL },
  { "RE", "REU", "Réunion", NULL },
  { "RO", "ROU", "Romania", NULL },
  { "RS", "SRB", "Serbia", NULL },
  { "RU", "RUS", "Russian Federation", NULL },
  { "RW", "RWA", "Rwanda", NULL },
  { "SA", "SAU", "Saudi Arabia", NULL },
  { "SB", "SLB", "Solomon Islands", NULL },
  { "SC", "SYC", "Seychelles", NULL },
  { "SD", "SDN", "Sudan", NULL },
  { "SE", "SWE", "Sweden", NULL },
  { "SG", "SGP", "Singapore", NULL },
  { "SH", "SHN", "Saint Helena, Ascension and Tristan da Cunha", NULL },
  { "SI", "SVN", "Slovenia", NULL },
  { "SJ", "SJM", "Svalbard and Jan Mayen", NULL },
  { "SK", "SVK", "Slovakia", NULL },
  { "SL", "SLE", "Sierra Leone", NULL },
  { "SM", "SMR", "San Marino", NULL },
  { "SN", "SEN", "Senegal", NULL },
  { "SO", "SOM", "Somalia", NULL },
  { "SR", "SUR", "Suriname", NULL },
  { "SS", "SSD", "South Sudan", NULL },
  { "ST", "STP", "Sao Tome and Principe", NULL },
  { "SV", "SLV", "El Salvador", NULL },
  { "SX", "SXM", "Sint Maarten (Dutch part)", NULL },
  { "SY", "SYR", "Syrian Arab Republic", "Syria" },
  { "SZ", "SWZ", "Eswatini", NULL },
  { "TC", "TCA", "Turks and Caicos Islands", NULL },
  { "TD", "TCD", "Chad", NULL },
  { "TF", "ATF", "French Southern Territories", NULL },
  { "TG", "TGO", "Togo", NULL },
  { "TH", "THA", "Thailand", NULL },
  { "TJ", "TJK", "Tajikistan", NULL },
  { "TK", "TKL", "Tokelau", NULL },
  { "TL", "TLS", "Timor-Leste", NULL },
  { "TM", "TKM", "Turkmenistan", NULL },
  { "TN", "TUN", "Tunisia", NULL },
  { "TO", "TON", "Tonga", NULL },
  { "TR", "TUR", "Türkiye", NULL },
  { "TT", "TTO", "Trinidad and Tobago", NULL },
  { "TV", "TUV", "Tuvalu", NULL },
  { "TW", "TWN", "Taiwan, Province of China", "Taiwan" },
  { "TZ", "TZA", "Tanzania, United Republic of", "Tanzania" },
  { "UA", "UKR", "Ukraine", NULL },
  { "UG", "UGA", "Uganda", NULL },
  { "UM", "UMI", "United States Minor Outlying Islands", NULL },
  { "US", "USA", "United States", NULL },
  { "UY", "URY", "Uruguay", NULL },
  { "UZ", "UZB", "Uzbekistan", NULL },
  { "VA", "VAT", "Holy See (Vatican City State)", NULL },
  { "VC", "VCT", "Saint Vincent and the Grenadines", NULL },
  { "VE", "VEN", "Venezuela, Bolivarian Republic of", "Venezuela" },
  { "VG", "VGB", "Virgin Islands, British", NULL },
  { "VI", "VIR", "Virgin Islands, U.S.", NULL },
  { "VN", "VNM", "Viet Nam", "Vietnam" },
  { "VU", "VUT", "Vanuatu", NULL },
  { "WF", "WLF", "Wallis and Futuna", NULL },
  { "WS", "WSM", "Samoa", NULL },
  { "YE", "YEM", "Yemen", NULL },
  { "YT", "MYT", "Mayotte", NULL },
  { "ZA", "ZAF", "South Africa", NULL },
  { "ZM", "ZMB", "Zambia", NULL },
  { "ZW", "ZWE", "Zimbabwe", NULL },
};

/* Other names people write in a country field, as lookup keys (see
 * name_key(): ASCII, lower case, letters and digits only). */
static const struct
{
  const char *key;
  const char *alpha2;
} country_aliases[] = {
  { "america", "US" }, { "usa", "US" }, { "unitedstates", "US" },
  { "unitedstatesofamerica", "US" }, { "vereinigtestaaten", "US" },
  { "etatsunis", "US" }, { "estadosunidos", "US" }, { "statiuniti", "US" },
  { "uk", "GB" }, { "el", "GR" }, { "greatbritain", "GB" }, { "britain", "GB" }, { "england", "GB" },
  { "scotland", "GB" }, { "wales", "GB" }, { "northernireland", "GB" },
  { "grossbritannien", "GB" }, { "vereinigteskonigreich", "GB" }, { "royaumeuni", "GB" },
  { "reinounido", "GB" }, { "regnounito", "GB" },
  { "deutschland", "DE" }, { "allemagne", "DE" }, { "alemania", "DE" }, { "germania", "DE" },
  { "brd", "DE" },
  { "osterreich", "AT" }, { "oesterreich", "AT" }, { "autriche", "AT" },
  { "schweiz", "CH" }, { "suisse", "CH" }, { "svizzera", "CH" }, { "suiza", "CH" },
  { "frankreich", "FR" }, { "francia", "FR" },
  { "italien", "IT" }, { "italia", "IT" }, { "italie", "IT" },
  { "spanien", "ES" }, { "espana", "ES" }, { "espagne", "ES" }, { "spagna", "ES" },
  { "niederlande", "NL" }, { "nederland", "NL" }, { "holland", "NL" },
  { "thenetherlands", "NL" }, { "paysbas", "NL" }, { "paisesbajos", "NL" },
  { "belgien", "BE" }, { "belgique", "BE" }, { "belgie", "BE" },
  { "luxemburg", "LU" }, { "letzebuerg", "LU" },
  { "danemark", "DK" }, { "danmark", "DK" }, { "dinamarca", "DK" },
  { "schweden", "SE" }, { "sverige", "SE" }, { "suede", "SE" }, { "suecia", "SE" },
  { "norwegen", "NO" }, { "norge", "NO" }, { "norvege", "NO" }, { "noruega", "NO" },
  { "finnland", "FI" }, { "suomi", "FI" }, { "finlande", "FI" },
  { "island", "IS" },
  { "irland", "IE" }, { "eire", "IE" }, { "irlande", "IE" },
  { "polen", "PL" }, { "polska", "PL" }, { "pologne", "PL" }, { "polonia", "PL" },
  { "tschechien", "CZ" }, { "czechrepublic", "CZ" }, { "cesko", "CZ" },
  { "ceskarepublika", "CZ" }, { "tschechischerepublik", "CZ" },
  { "slowakei", "SK" }, { "slovensko", "SK" },
  { "ungarn", "HU" }, { "magyarorszag", "HU" }, { "hongrie", "HU" },
  { "slowenien", "SI" }, { "slovenija", "SI" },
  { "kroatien", "HR" }, { "hrvatska", "HR" },
  { "rumanien", "RO" }, { "roumanie", "RO" },
  { "bulgarien", "BG" },
  { "griechenland", "GR" }, { "ellada", "GR" }, { "hellas", "GR" }, { "grece", "GR" },
  { "zypern", "CY" }, { "kypros", "CY" },
  { "litauen", "LT" }, { "lietuva", "LT" },
  { "lettland", "LV" }, { "latvija", "LV" },
  { "estland", "EE" }, { "eesti", "EE" },
  { "portugal", "PT" },
  { "turkei", "TR" }, { "turkey", "TR" }, { "turquie", "TR" },
  { "russland", "RU" }, { "russia", "RU" }, { "rossiya", "RU" }, { "russie", "RU" },
  { "sudafrika", "ZA" }, { "afriquedusud", "ZA" },
  { "brasil", "BR" }, { "brasilien", "BR" }, { "bresil", "BR" },
  { "mexiko", "MX" }, { "mexique", "MX" },
  { "kanada", "CA" },
  { "australien", "AU" }, { "australie", "AU" },
  { "indien", "IN" }, { "inde", "IN" }, { "bharat", "IN" },
  { "nippon", "JP" }, { "nihon", "JP" }, { "japon", "JP" },
  { "zhongguo", "CN" }, { "chine", "CN" }, { "prc", "CN" },
  { "korea", "KR" }, { "sudkorea", "KR" },
  { "uae", "AE" },
};

/* A country's numbering plan: calling code, national (trunk) prefixes
 * dropped before the national significant number, and the plausible
 * lengths of that number. Italy (and San Marino, the Vatican) have no
 * trunk prefix: their leading 0 is part of the number. */
typedef struct
{
  const char *alpha2;
  const char *code;
  const char *trunk[2];
  guint       min_digits;
  guint       max_digits;
} PhonePlan;

static const PhonePlan phone_plans[] = {
  { "AE", "971", { "0" }, 8, 9 },
  { "AR", "54", { "0" }, 10, 11 },
  { "AT", "43", { "0" }, 4, 13 },
  { "AU", "61", { "0" }, 9, 9 },
  { "BE", "32", { "0" }, 8, 9 },
  { "BG", "359", { "0" }, 7, 9 },
  { "BR", "55", { "0" }, 10, 11 },
  { "BY", "375", { "80" }, 9, 9 },
  { "CA", "1", { "1" }, 10, 10 },
  { "CH", "41", { "0" }, 9, 9 },
  { "CL", "56", { NULL }, 9, 9 },
  { "CN", "86", { "0" }, 9, 11 },
  { "CO", "57", { NULL }, 10, 10 },
  { "CY", "357", { NULL }, 8, 8 },
  { "CZ", "420", { NULL }, 9, 9 },
  { "DE", "49", { "0" }, 6, 13 },
  { "DK", "45", { NULL }, 8, 8 },
  { "EE", "372", { NULL }, 7, 8 },
  { "EG", "20", { "0" }, 9, 10 },
  { "ES", "34", { NULL }, 9, 9 },
  { "FI", "358", { "0" }, 5, 12 },
  { "FR", "33", { "0" }, 9, 9 },
  { "GB", "44", { "0" }, 9, 10 },
  { "GR", "30", { NULL }, 10, 10 },
  { "HK", "852", { NULL }, 8, 8 },
  { "HR", "385", { "0" }, 8, 9 },
  { "HU", "36", { "06" }, 8, 9 },
  { "ID", "62", { "0" }, 8, 12 },
  { "IE", "353", { "0" }, 7, 9 },
  { "IL", "972", { "0" }, 8, 9 },
  { "IN", "91", { "0" }, 10, 10 },
  { "IS", "354", { NULL }, 7, 9 },
  { "IT", "39", { NULL }, 6, 11 },
  { "JP", "81", { "0" }, 9, 10 },
  { "KE", "254", { "0" }, 9, 9 },
  { "KR", "82", { "0" }, 8, 10 },
  { "LI", "423", { NULL }, 7, 9 },
  { "LT", "370", { "8", "0" }, 8, 8 },
  { "LU", "352", { NULL }, 4, 11 },
  { "LV", "371", { NULL }, 8, 8 },
  { "MA", "212", { "0" }, 9, 9 },
  { "MC", "377", { NULL }, 8, 9 },
  { "MT", "356", { NULL }, 8, 8 },
  { "MX", "52", { NULL }, 10, 10 },
  { "MY", "60", { "0" }, 8, 10 },
  { "NG", "234", { "0" }, 8, 10 },
  { "NL", "31", { "0" }, 9, 9 },
  { "NO", "47", { NULL }, 8, 8 },
  { "NZ", "64", { "0" }, 8, 10 },
  { "PE", "51", { "0" }, 8, 9 },
  { "PH", "63", { "0" }, 8, 10 },
  { "PK", "92", { "0" }, 9, 10 },
  { "PL", "48", { NULL }, 9, 9 },
  { "PR", "1", { "1" }, 10, 10 },
  { "PT", "351", { NULL }, 9, 9 },
  { "RO", "40", { "0" }, 9, 9 },
  { "RS", "381", { "0" }, 7, 9 },
  { "RU", "7", { "8" }, 10, 10 },
  { "SA", "966", { "0" }, 9, 9 },
  { "SE", "46", { "0" }, 6, 12 },
  { "SG", "65", { NULL }, 8, 8 },
  { "SI", "386", { "0" }, 8, 8 },
  { "SK", "421", { "0" }, 9, 9 },
  { "SM", "378", { NULL }, 6, 10 },
  { "TH", "66", { "0" }, 8, 9 },
  { "TR", "90", { "0" }, 10, 10 },
  { "TW", "886", { "0" }, 8, 9 },
  { "UA", "380", { "0" }, 9, 9 },
  { "US", "1", { "1" }, 10, 10 },
  { "VA", "39", { NULL }, 6, 11 },
  { "VN", "84", { "0" }, 9, 10 },
  { "ZA", "27", { "0" }, 9, 9 },
};

static const PhonePlan *
find_plan (const char *alpha2)
{
  const PhonePlan *lo = phone_plans;
  const PhonePlan *hi = phone_plans + G_N_ELEMENTS (phone_plans);

  if (alpha2 == NULL)
    return NULL;

  /* phone_plans is sorted by alpha-2 code */
  while (lo < hi)
    {
      const PhonePlan *mid = lo + (hi - lo) / 2;
      int cmp = strcmp (mid->alpha2, alpha2);

      if (cmp == 0)
        return mid;
      if (cmp < 0)
        lo = mid + 1;
      else
        hi = mid;
    }

  return NULL;
}

/* The plan whose calling code begins @digits (the first in the table when
 * several countries share a code: +1 is read as the US, +7 as Russia, +39 as
 * Italy, which have the same number lengths as the others). */
static const PhonePlan *
find_plan_by_code (const char *digits)
{
  for (guint len = 1; len <= 3; len++)
    {
      for (guint i = 0; i < G_N_ELEMENTS (phone_plans); i++)
        {
          const PhonePlan *plan = &phone_plans[i];

          if (strlen (plan->code) == len && strncmp (digits, plan->code, len) == 0)
            return plan;
        }
    }

  return NULL;
}

/* ASCII, lower case, letters and digits only: "Côte d'Ivoire" ->
 * "cotedivoire". */
static char *
name_key (const char *text)
{
  g_autofree char *ascii = g_str_to_ascii (text, "C");
  char *key = g_malloc (strlen (ascii) + 1);
  char *k = key;

  for (const char *p = ascii; *p != '\0'; p++)
    {
      if (g_ascii_isalnum (*p))
        *k++ = g_ascii_tolower (*p);
    }
  *k = '\0';

  return key;
}

static GHashTable *
country_table (void)
{
  static GHashTable *table;

  if (g_once_init_enter (&table))
    {
      GHashTable *t = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

      for (guint i = 0; i < G_N_ELEMENTS (countries); i++)
        {
          const Country *c = &countries[i];

          g_hash_table_insert (t, name_key (c->alpha2), (gpointer)c->alpha2);
          g_hash_table_insert (t, name_key (c->alpha3), (gpointer)c->alpha2);
          g_hash_table_insert (t, name_key (c->name), (gpointer)c->alpha2);
          if (c->common_name != NULL)
            g_hash_table_insert (t, name_key (c->common_name), (gpointer)c->alpha2);
        }

      for (guint i = 0; i < G_N_ELEMENTS (country_aliases); i++)
        g_hash_table_insert (t, g_strdup (country_aliases[i].key),
                             (gpointer)country_aliases[i].alpha2);

      g_once_init_leave (&table, t);
    }

  return table;
}

const char *
aud_normalize_country (const char *text)
{
  g_autofree char *key = NULL;
  const char *s;
  gsize len;

  if (text == NULL)
    return NULL;

  s = text;
  while (g_ascii_isspace (*s))
    s++;
  len = strlen (s);
  while (len > 0 && g_ascii_isspace (s[len - 1]))
    len--;

  /* The usual case: an alpha-2 code. */
  if (len == 2 && g_ascii_isalpha (s[0]) && g_ascii_isalpha (s[1]))
    {
      char code[3] = { g_ascii_toupper (s[0]), g_ascii_toupper (s[1]), '\0' };
      const Country *lo = countries, *hi = countries + G_N_ELEMENTS (countries);

      while (lo < hi)
        {
          const Country *mid = lo + (hi - lo) / 2;
          int cmp = strcmp (mid->alpha2, code);

          if (cmp == 0)
            return mid->alpha2;
          if (cmp < 0)
            lo = mid + 1;
          else
            hi = mid;
        }

      /* not a code: "UK", "EL" are looked up as aliases below */
    }

  if (len == 0 || !g_utf8_validate (s, -1, NULL))
    return NULL;

  key = name_key (s);
  if (g_str_has_prefix (key, "the"))
    {
      const char *found = g_hash_table_lookup (country_table (), key);

      return found != NULL ? found : g_hash_table_lookup (country_table (), key + 3);
    }

  return g_hash_table_lookup (country_table (), key);
}

const char *
aud_normalize_calling_code (const char *iso2)
{
  const PhonePlan *plan = find_plan (aud_normalize_country (iso2));

  return plan != NULL ? plan->code : NULL;
}

static gboolean
is_blank (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    {
      if (!g_ascii_isspace (*p))
        return FALSE;
    }

  return TRUE;
}

/* @text trimmed of Unicode white space, lower-cased and in NFC. */
static char *
fold_text (const char *text)
{
  g_autofree char *lower = NULL;
  g_autofree char *nfc = NULL;
  const char *start;
  const char *end;

  if (text == NULL)
    return NULL;

  /* Plain ASCII (most contact data): already NFC, lower-cased bytewise. */
  for (start = text; (guchar)*start < 0x80; start++)
    {
      if (*start == '\0')
        {
          while (g_ascii_isspace (*text))
            text++;
          end = text + strlen (text);
          while (end > text && g_ascii_isspace (end[-1]))
            end--;

          return g_ascii_strdown (text, end - text);
        }
    }

  if (!g_utf8_validate (text, -1, NULL))
    return NULL;

  lower = g_utf8_strdown (text, -1);
  nfc = g_utf8_normalize (lower, -1, G_NORMALIZE_NFC);
  if (nfc == NULL)
    return NULL;

  start = nfc;
  while (*start != '\0' && g_unichar_isspace (g_utf8_get_char (start)))
    start = g_utf8_next_char (start);

  end = start + strlen (start);
  while (end > start)
    {
      const char *prev = g_utf8_prev_char (end);

      if (!g_unichar_isspace (g_utf8_get_char (prev)))
        break;
      end = prev;
    }

  return g_strndup (start, end - start);
}

char *
aud_normalize_email (const char    *text,
                     AudEmailFlags  flags)
{
  g_autofree char *email = fold_text (text);
  const char *at;
  const char *dot;

  if (email == NULL)
    return NULL;

  at = strchr (email, '@');
  if (at == NULL || at == email || strchr (at + 1, '@') != NULL)
    return NULL;

  for (const char *p = email; *p != '\0'; p++)
    {
      if ((guchar)*p <= ' ' || *p == 0x7f || *p == ',' || *p == ';' ||
          *p == '<' || *p == '>')
        return NULL;
    }

  dot = strrchr (at + 1, '.');
  if (dot == NULL || dot == at + 1 || dot[1] == '\0' || strstr (at + 1, "..") != NULL)
    return NULL;

  if ((flags & AUD_EMAIL_GMAIL_DOTS) != 0 &&
      (g_str_equal (at + 1, "gmail.com") || g_str_equal (at + 1, "googlemail.com")))
    {
      GString *out = g_string_sized_new (strlen (email));

      for (const char *p = email; p < at; p++)
        {
          if (*p != '.')
            g_string_append_c (out, *p);
        }
      if (out->len == 0)
        {
          g_string_free (out, TRUE);
          return NULL;
        }
      g_string_append (out, at);

      return g_string_free (out, FALSE);
    }

  return g_steal_pointer (&email);
}

static gboolean
plan_fits (const PhonePlan *plan,
           gsize            n_digits)
{
  return n_digits >= plan->min_digits && n_digits <= plan->max_digits &&
         strlen (plan->code) + n_digits <= E164_MAX_DIGITS;
}

/* "+" + code + national number, or NULL when the national number does not
 * fit the plan. A trunk prefix in front of it (`030...`, also `+44 020...`)
 * is dropped. */
static char *
join_number (const PhonePlan *plan,
             const char      *national)
{
  gsize len = strlen (national);

  for (guint i = 0; i < G_N_ELEMENTS (plan->trunk) && plan->trunk[i] != NULL; i++)
    {
      gsize trunk_len = strlen (plan->trunk[i]);

      if (strncmp (national, plan->trunk[i], trunk_len) == 0 &&
          plan_fits (plan, len - trunk_len))
        return g_strconcat ("+", plan->code, national + trunk_len, NULL);
    }

  /* Mexico: mobile numbers had a 1 after +52 until 2020. */
  if (g_str_equal (plan->alpha2, "MX") && len == 11 && national[0] == '1')
    return join_number (plan, national + 1);

  if (plan_fits (plan, len))
    return g_strconcat ("+", plan->code, national, NULL);

  return NULL;
}

/* An international number: @digits start with a calling code. */
static char *
international_number (const char *digits)
{
  const PhonePlan *plan = find_plan_by_code (digits);
  gsize len = strlen (digits);

  if (plan != NULL)
    return join_number (plan, digits + strlen (plan->code));

  /* A country whose plan is not in the table: E.164 bounds only. */
  if (digits[0] == '0' || len < 8 || len > E164_MAX_DIGITS)
    return NULL;

  return g_strconcat ("+", digits, NULL);
}

/* A national number of the country of @plan. */
static char *
national_number (const PhonePlan *plan,
                 const char      *digits)
{
  gsize len = strlen (digits);
  gsize code_len = strlen (plan->code);
  gboolean has_trunk = plan->trunk[0] != NULL;
  char *number;

  /* Brazil: 0, a two-digit carrier code, then the number. */
  if (g_str_equal (plan->alpha2, "BR") && digits[0] == '0' && (len == 13 || len == 14))
    return join_number (plan, digits + 3);

  /* Mexico: the dialling prefixes 01, 044 and 045 ended in 2019. */
  if (g_str_equal (plan->alpha2, "MX"))
    {
      if (len == 12 && g_str_has_prefix (digits, "01"))
        return join_number (plan, digits + 2);
      if (len == 13 && (g_str_has_prefix (digits, "044") || g_str_has_prefix (digits, "045")))
        return join_number (plan, digits + 3);
    }

  /* With a trunk prefix, a number written without it but with the calling
   * code in front ("4930...") is international; without one, it is so only
   * when it cannot be a national number. */
  if (strncmp (digits, plan->code, code_len) == 0 &&
      (has_trunk || !plan_fits (plan, len)))
    {
      number = join_number (plan, digits + code_len);
      if (number != NULL)
        return number;
    }

  return join_number (plan, digits);
}

/* Separators people put between digits. */
static gboolean
is_phone_separator (gunichar c)
{
  return g_unichar_isspace (c) || c == '-' || c == '.' || c == '/' || c == '(' || c == ')' ||
         c == 0x00A0 || c == 0x202F || (c >= 0x2010 && c <= 0x2015) || c == 0x2212;
}

char *
aud_normalize_phone (const char *text,
                     const char *country)
{
  g_autoptr(GString) digits = NULL;
  const PhonePlan *plan;
  const char *p;
  gboolean plus = FALSE;

  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return NULL;

  digits = g_string_sized_new (24);

  /* A label in front ("Tel.", "tel:", "Phone: ") */
  p = text;
  while (g_ascii_isalpha (*p) || *p == '.' || *p == ':' || *p == ' ')
    p++;

  for (; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 0x80 && g_ascii_isdigit (c))
        g_string_append_c (digits, c);
      else if (c == '+' && digits->len == 0 && !plus)
        plus = TRUE;
      else if (c == '(' && digits->len > 0 && (plus || g_str_has_prefix (digits->str, "00")))
        {
          /* "+49 (0)30 ...": the trunk prefix in brackets is not dialled
           * from abroad. */
          const char *q = p + 1;

          while (*q == ' ')
            q++;
          if (*q == '0')
            {
              q++;
              while (*q == ' ')
                q++;
              if (*q == ')')
                p = q;
            }
        }
      else if (is_phone_separator (c))
        ;
      else if (digits->len > 0 &&
               (c == '#' || c == ',' || c == ';' || c == 'x' || c == 'X' ||
                g_ascii_strncasecmp (p, "ext", 3) == 0))
        break; /* an extension (or a pause) follows */
      else
        return NULL;
    }

  if (digits->len == 0)
    return NULL;

  plan = find_plan (aud_normalize_country (country));

  if (plus)
    return international_number (digits->str);

  if (g_str_has_prefix (digits->str, "00"))
    return international_number (digits->str + 2);

  if (plan != NULL && g_str_equal (plan->code, "1") && g_str_has_prefix (digits->str, "011"))
    return international_number (digits->str + 3);

  if (plan != NULL)
    return national_number (plan, digits->str);

  /* No country: only a number that starts with a calling code and fits its
   * plan ("491701234567"). */
  plan = find_plan_by_code (digits->str);
  if (plan != NULL &&
      (plan->trunk[0] == NULL ||
       !g_str_has_prefix (digits->str + strlen (plan->code), plan->trunk[0])) &&
      plan_fits (plan, digits->len - strlen (plan->code)))
    return g_strconcat ("+", digits->str, NULL);

  return NULL;
}

char *
aud_normalize_name (const char   *text,
                    AudNameFlags  flags)
{
  g_autofree char *folded = fold_text (text);
  GString *out;
  gboolean space = FALSE;

  if (folded == NULL)
    return NULL;

  out = g_string_sized_new (strlen (folded));
  for (const char *p = folded; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      GUnicodeType type = g_unichar_type (c);
      gboolean letter = g_unichar_isalpha (c) ||
                        type == G_UNICODE_SPACING_MARK ||
                        type == G_UNICODE_ENCLOSING_MARK ||
                        type == G_UNICODE_NON_SPACING_MARK;

      if ((flags & AUD_NAME_LETTERS_ONLY) != 0)
        {
          if (letter)
            g_string_append_unichar (out, c);
        }
      else if (g_unichar_isspace (c))
        space = TRUE;
      else
        {
          if (space && out->len > 0)
            g_string_append_c (out, ' ');
          space = FALSE;
          g_string_append_unichar (out, c);
        }
    }

  if (out->len == 0)
    {
      g_string_free (out, TRUE);
      return NULL;
    }

  return g_string_free (out, FALSE);
}

char *
aud_normalize_postal_code (const char *text,
                           const char *country)
{
  g_autofree char *folded = fold_text (text);
  GString *out;

  if (folded == NULL)
    return NULL;

  out = g_string_sized_new (strlen (folded));
  for (const char *p = folded; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!g_unichar_isspace (c))
        g_string_append_unichar (out, c);
    }

  /* ZIP+4 ("94043-1351"): the first five digits. */
  if (g_strcmp0 (aud_normalize_country (country), "US") == 0 && out->len > 5)
    {
      gboolean five = TRUE;

      for (guint i = 0; i < 5; i++)
        five = five && g_ascii_isdigit (out->str[i]);
      if (five)
        g_string_truncate (out, 5);
    }

  if (out->len == 0)
    {
      g_string_free (out, TRUE);
      return NULL;
    }

  return g_string_free (out, FALSE);
}

const char *
aud_normalize_gender (const char *text)
{
  static const struct
  {
    const char *word;
    const char *gender;
  } words[] = {
    { "m", "m" }, { "male", "m" }, { "man", "m" }, { "men", "m" }, { "mr", "m" },
    { "herr", "m" }, { "mann", "m" }, { "mannlich", "m" }, { "maennlich", "m" },
    { "h", "m" }, { "homme", "m" }, { "masculin", "m" }, { "monsieur", "m" },
    { "f", "f" }, { "female", "f" }, { "woman", "f" }, { "women", "f" }, { "mrs", "f" },
    { "ms", "f" }, { "miss", "f" }, { "w", "f" }, { "frau", "f" }, { "weiblich", "f" },
    { "femme", "f" }, { "feminin", "f" }, { "madame", "f" },
  };
  g_autofree char *key = NULL;

  if (text == NULL || is_blank (text) || !g_utf8_validate (text, -1, NULL))
    return NULL;

  key = name_key (text);
  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    {
      if (g_str_equal (key, words[i].word))
        return words[i].gender;
    }

  return NULL;
}

char *
aud_normalize_sha256 (const char *text)
{
  g_return_val_if_fail (text != NULL, NULL);

  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
}
