/* aud-demo.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "aud-demo"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "aud-demo.h"

/*
 * How the data is made
 *
 * Every customer is a pure function of (seed, row number): a splitmix64
 * stream seeded from both yields its country, signup, plan and so on. The
 * events file is one xoshiro256** stream; each event picks a customer by
 * activity rank, then re-derives the few customer traits it needs (signup,
 * plan, device, favourite category, email consent) from that customer's own
 * stream. So nothing is kept per customer and memory stays flat.
 *
 * Activity: 28% of the customers never appear in the events. The others are
 * ranked by a bounded power law (density 21 / (20x + 1)^2 over the rank
 * fraction x): the top 10% do about 70% of the events, the median does a
 * sixth of the mean, the tail one or none. A fixed permutation of the rows
 * spreads the ranks over the customer ids.
 *
 * Everything is integer arithmetic except the expected event count behind
 * lifetime_value (a product and a quotient of doubles, exact IEEE
 * operations), so the bytes do not depend on the platform's libm.
 */

#define SECONDS_PER_DAY   86400
#define EVENT_WINDOW_DAYS 730
#define SIGNUP_DAYS       1460
#define INACTIVE_PERCENT  28
#define UNKNOWN_PER_MILLE 1

#define OUT_BUFFER_SIZE   (1 << 18)
#define OUT_ROW_MAX       1024
#define CHECK_EVERY       4096
#define PROGRESS_EVERY    65536
#define HOUR_TABLE_SIZE   4096

/* 2000-01-01 and 9000-01-01: four-digit years for every date written,
 * birth dates included. */
#define NOW_MIN G_GINT64_CONSTANT (946684800)
#define NOW_MAX G_GINT64_CONSTANT (221845392000)

/* 2025-01-01T00:00:00Z */
#define DEFAULT_NOW G_GINT64_CONSTANT (1735689600)

G_DEFINE_QUARK (aud-demo-error-quark, aud_demo_error)

/* Tables ---------------------------------------------------------------- */

typedef struct
{
  const char *name;
  const char *ascii;  /* lower-case ASCII form for email addresses */
} DemoName;

typedef struct
{
  const char *name;
  gint32      lat;     /* micro-degrees */
  gint32      lon;     /* micro-degrees */
  const char *area;    /* area code as dialled after the country code */
} DemoCity;

typedef struct
{
  const DemoName *female;
  guint           n_female;
  const DemoName *male;
  guint           n_male;
  const DemoName *last;
  guint           n_last;
} DemoNames;

typedef enum
{
  PHONE_TRUNK,      /* national: trunk prefix + area, then subscriber */
  PHONE_NO_TRUNK,   /* national: area, then subscriber (ES, IT, PL) */
  PHONE_NANP,       /* national: (area) xxx-xxxx */
} PhoneStyle;

typedef struct
{
  const char       *code;          /* ISO 3166-1 alpha-2 */
  guint             weight;        /* share of customers, in percent */
  const char       *calling_code;
  PhoneStyle        phone_style;
  guint             nsn_digits;    /* area code + subscriber digits */
  const DemoCity   *cities;        /* first cities are more likely */
  guint             n_cities;
  const DemoNames  *names;
  const char *const *domains;
  guint             n_domains;
} DemoCountry;

#define N(name, ascii) { name, ascii }
#define SAME(name) { name, NULL }

static const DemoName de_female[] = {
  SAME ("Anna"), SAME ("Lena"), SAME ("Sophie"), SAME ("Marie"), SAME ("Hannah"),
  SAME ("Emma"), SAME ("Mia"), SAME ("Laura"), SAME ("Julia"), SAME ("Katharina"),
  SAME ("Sabine"), SAME ("Ursula"), N ("Zoë", "zoe"), SAME ("Jana"), SAME ("Petra"),
};
static const DemoName de_male[] = {
  SAME ("Lukas"), SAME ("Leon"), SAME ("Finn"), SAME ("Jonas"), SAME ("Paul"),
  SAME ("Felix"), SAME ("Maximilian"), SAME ("Thomas"), SAME ("Michael"), SAME ("Stefan"),
  N ("Jürgen", "juergen"), N ("Jörg", "joerg"), SAME ("Uwe"), SAME ("Matthias"),
  SAME ("Tobias"),
};
static const DemoName de_last[] = {
  N ("Müller", "mueller"), SAME ("Schmidt"), SAME ("Schneider"), SAME ("Fischer"),
  SAME ("Weber"), SAME ("Meyer"), SAME ("Wagner"), SAME ("Becker"), SAME ("Schulz"),
  SAME ("Hoffmann"), N ("Schäfer", "schaefer"), SAME ("Koch"), SAME ("Bauer"),
  SAME ("Richter"), SAME ("Klein"), SAME ("Wolf"), N ("Schröder", "schroeder"),
  SAME ("Neumann"), SAME ("Schwarz"), SAME ("Zimmermann"), N ("Krüger", "krueger"),
  SAME ("Hartmann"), SAME ("Lange"), N ("Weiß", "weiss"), SAME ("Braun"),
};
static const DemoName fr_female[] = {
  SAME ("Camille"), N ("Léa", "lea"), N ("Chloé", "chloe"), SAME ("Manon"),
  N ("Inès", "ines"), SAME ("Emma"), SAME ("Louise"), SAME ("Juliette"),
  N ("Céline", "celine"), SAME ("Nathalie"), N ("Hélène", "helene"), SAME ("Isabelle"),
  N ("Zoé", "zoe"), SAME ("Sandrine"), SAME ("Margaux"),
};
static const DemoName fr_male[] = {
  SAME ("Lucas"), SAME ("Hugo"), SAME ("Louis"), SAME ("Gabriel"), SAME ("Arthur"),
  SAME ("Jules"), N ("Théo", "theo"), SAME ("Nicolas"), SAME ("Julien"), SAME ("Pierre"),
  N ("François", "francois"), N ("Jérôme", "jerome"), N ("Stéphane", "stephane"),
  SAME ("Antoine"), SAME ("Mathieu"),
};
static const DemoName fr_last[] = {
  SAME ("Martin"), SAME ("Bernard"), SAME ("Dubois"), SAME ("Thomas"), SAME ("Robert"),
  SAME ("Richard"), SAME ("Petit"), SAME ("Durand"), SAME ("Leroy"), SAME ("Moreau"),
  SAME ("Simon"), SAME ("Laurent"), N ("Lefèvre", "lefevre"), SAME ("Michel"),
  SAME ("Garcia"), SAME ("Fournier"), SAME ("Girard"), SAME ("Bonnet"), SAME ("Dupont"),
  SAME ("Lambert"), SAME ("Fontaine"), SAME ("Rousseau"), SAME ("Mercier"),
  N ("Clément", "clement"), SAME ("Chevalier"),
};
static const DemoName en_female[] = {
  SAME ("Olivia"), SAME ("Amelia"), SAME ("Isla"), SAME ("Ava"), SAME ("Emily"),
  SAME ("Sophia"), SAME ("Grace"), SAME ("Chloe"), SAME ("Charlotte"), SAME ("Jessica"),
  SAME ("Sarah"), SAME ("Madison"), N ("Zoë", "zoe"), N ("Renée", "renee"),
  SAME ("Megan"),
};
static const DemoName en_male[] = {
  SAME ("Oliver"), SAME ("George"), SAME ("Harry"), SAME ("Jack"), SAME ("James"),
  SAME ("William"), SAME ("Noah"), SAME ("Liam"), SAME ("Ethan"), SAME ("Michael"),
  SAME ("David"), SAME ("Daniel"), SAME ("Matthew"), SAME ("Andrew"),
  N ("Seán", "sean"),
};
static const DemoName en_last[] = {
  SAME ("Smith"), SAME ("Jones"), SAME ("Williams"), SAME ("Taylor"), SAME ("Brown"),
  SAME ("Davies"), SAME ("Evans"), SAME ("Wilson"), SAME ("Johnson"), SAME ("Miller"),
  SAME ("Davis"), SAME ("Rodriguez"), SAME ("Anderson"), SAME ("Thompson"),
  SAME ("White"), SAME ("Harris"), SAME ("Clark"), SAME ("Lewis"), SAME ("Walker"),
  SAME ("Wright"), N ("O'Brien", "obrien"), N ("O'Connor", "oconnor"),
  SAME ("Nguyen"), SAME ("Patel"), SAME ("Kim"),
};
static const DemoName es_female[] = {
  N ("María", "maria"), N ("Lucía", "lucia"), N ("Sofía", "sofia"), SAME ("Martina"),
  SAME ("Paula"), SAME ("Julia"), SAME ("Carmen"), SAME ("Ana"), SAME ("Laura"),
  SAME ("Elena"), SAME ("Marta"), N ("Inés", "ines"), N ("Begoña", "begona"),
  SAME ("Cristina"), SAME ("Pilar"),
};
static const DemoName es_male[] = {
  N ("José", "jose"), SAME ("Antonio"), SAME ("Manuel"), SAME ("Francisco"),
  SAME ("David"), SAME ("Javier"), SAME ("Daniel"), SAME ("Carlos"), SAME ("Alejandro"),
  SAME ("Pablo"), SAME ("Hugo"), N ("Álvaro", "alvaro"), N ("Jesús", "jesus"),
  N ("Iñaki", "inaki"), SAME ("Sergio"),
};
static const DemoName es_last[] = {
  N ("García", "garcia"), N ("Rodríguez", "rodriguez"), N ("González", "gonzalez"),
  N ("Fernández", "fernandez"), N ("López", "lopez"), N ("Martínez", "martinez"),
  N ("Sánchez", "sanchez"), N ("Pérez", "perez"), N ("Gómez", "gomez"),
  N ("Martín", "martin"), N ("Jiménez", "jimenez"), SAME ("Ruiz"),
  N ("Hernández", "hernandez"), N ("Díaz", "diaz"), SAME ("Moreno"),
  N ("Muñoz", "munoz"), N ("Álvarez", "alvarez"), SAME ("Romero"), N ("Peña", "pena"),
  SAME ("Navarro"), SAME ("Torres"), SAME ("Ramos"), SAME ("Gil"),
};
static const DemoName it_female[] = {
  SAME ("Giulia"), SAME ("Sofia"), SAME ("Aurora"), SAME ("Alice"), SAME ("Ginevra"),
  SAME ("Emma"), SAME ("Giorgia"), SAME ("Francesca"), SAME ("Chiara"),
  SAME ("Federica"), SAME ("Valentina"), SAME ("Elisa"), SAME ("Alessandra"),
};
static const DemoName it_male[] = {
  SAME ("Leonardo"), SAME ("Francesco"), SAME ("Alessandro"), SAME ("Lorenzo"),
  SAME ("Mattia"), SAME ("Andrea"), SAME ("Gabriele"), SAME ("Riccardo"), SAME ("Marco"),
  SAME ("Luca"), SAME ("Giuseppe"), N ("Niccolò", "niccolo"), SAME ("Davide"),
};
static const DemoName it_last[] = {
  SAME ("Rossi"), SAME ("Russo"), SAME ("Ferrari"), SAME ("Esposito"), SAME ("Bianchi"),
  SAME ("Romano"), SAME ("Colombo"), SAME ("Ricci"), SAME ("Marino"), SAME ("Greco"),
  SAME ("Bruno"), SAME ("Gallo"), SAME ("Conti"), N ("De Luca", "deluca"),
  SAME ("Mancini"), SAME ("Costa"), SAME ("Giordano"), SAME ("Rizzo"),
  SAME ("Lombardi"), SAME ("Moretti"), N ("D'Angelo", "dangelo"), SAME ("Fontana"),
};
static const DemoName nl_female[] = {
  SAME ("Emma"), SAME ("Julia"), SAME ("Sophie"), SAME ("Tess"), N ("Zoë", "zoe"),
  SAME ("Sara"), SAME ("Anna"), SAME ("Fenna"), SAME ("Eva"), SAME ("Noor"),
  SAME ("Lotte"), SAME ("Femke"), SAME ("Anouk"),
};
static const DemoName nl_male[] = {
  SAME ("Noah"), SAME ("Daan"), SAME ("Sem"), SAME ("Lucas"), SAME ("Levi"),
  SAME ("Finn"), SAME ("Luuk"), SAME ("Milan"), SAME ("Bram"), SAME ("Jesse"),
  SAME ("Thijs"), SAME ("Ruben"), SAME ("Joris"),
};
static const DemoName nl_last[] = {
  N ("de Jong", "dejong"), SAME ("Jansen"), N ("de Vries", "devries"),
  N ("van den Berg", "vandenberg"), N ("van Dijk", "vandijk"), SAME ("Bakker"),
  SAME ("Janssen"), SAME ("Visser"), SAME ("Smit"), SAME ("Meijer"),
  N ("de Boer", "deboer"), SAME ("Mulder"), N ("de Groot", "degroot"), SAME ("Bos"),
  SAME ("Vos"), SAME ("Peters"), SAME ("Hendriks"), SAME ("Dekker"),
};
static const DemoName pl_female[] = {
  SAME ("Anna"), SAME ("Zofia"), SAME ("Zuzanna"), SAME ("Julia"), SAME ("Maja"),
  SAME ("Hanna"), SAME ("Alicja"), N ("Małgorzata", "malgorzata"), SAME ("Agnieszka"),
  SAME ("Katarzyna"), SAME ("Joanna"), SAME ("Magdalena"), N ("Łucja", "lucja"),
};
static const DemoName pl_male[] = {
  SAME ("Antoni"), SAME ("Jan"), SAME ("Jakub"), SAME ("Aleksander"),
  SAME ("Franciszek"), SAME ("Szymon"), SAME ("Filip"), SAME ("Piotr"),
  SAME ("Krzysztof"), SAME ("Tomasz"), N ("Paweł", "pawel"), N ("Łukasz", "lukasz"),
  N ("Michał", "michal"),
};
/* Names that do not change with gender. */
static const DemoName pl_last[] = {
  SAME ("Nowak"), N ("Wójcik", "wojcik"), SAME ("Kowalczyk"), N ("Woźniak", "wozniak"),
  SAME ("Mazur"), SAME ("Krawczyk"), SAME ("Kaczmarek"), N ("Zając", "zajac"),
  N ("Król", "krol"), SAME ("Wieczorek"), N ("Wróbel", "wrobel"), SAME ("Dudek"),
  SAME ("Adamczyk"), SAME ("Pawlak"), SAME ("Sikora"),
};
static const DemoName se_female[] = {
  SAME ("Alice"), SAME ("Maja"), SAME ("Elsa"), SAME ("Astrid"), SAME ("Wilma"),
  SAME ("Freja"), SAME ("Ebba"), N ("Åsa", "asa"), SAME ("Karin"), SAME ("Ingrid"),
  N ("Linnéa", "linnea"), N ("Märta", "marta"), SAME ("Sofia"),
};
static const DemoName se_male[] = {
  SAME ("William"), SAME ("Liam"), SAME ("Hugo"), SAME ("Oscar"), SAME ("Elias"),
  SAME ("Erik"), SAME ("Lars"), SAME ("Anders"), N ("Björn", "bjorn"),
  N ("Göran", "goran"), SAME ("Mikael"), SAME ("Johan"), SAME ("Nils"),
};
static const DemoName se_last[] = {
  SAME ("Andersson"), SAME ("Johansson"), SAME ("Karlsson"), SAME ("Nilsson"),
  SAME ("Eriksson"), SAME ("Larsson"), SAME ("Olsson"), SAME ("Persson"),
  SAME ("Svensson"), SAME ("Gustafsson"), N ("Jönsson", "jonsson"),
  SAME ("Lindberg"), N ("Lindström", "lindstrom"), N ("Öberg", "oberg"),
  N ("Sjöberg", "sjoberg"),
};

#undef N
#undef SAME

#define NAMES(p) { p##_female, G_N_ELEMENTS (p##_female), p##_male, \
                   G_N_ELEMENTS (p##_male), p##_last, G_N_ELEMENTS (p##_last) }

static const DemoNames de_names = NAMES (de);
static const DemoNames fr_names = NAMES (fr);
static const DemoNames en_names = NAMES (en);
static const DemoNames es_names = NAMES (es);
static const DemoNames it_names = NAMES (it);
static const DemoNames nl_names = NAMES (nl);
static const DemoNames pl_names = NAMES (pl);
static const DemoNames se_names = NAMES (se);

#undef NAMES

static const DemoCity de_cities[] = {
  { "Berlin", 52520008, 13404954, "30" },
  { "Hamburg", 53551086, 9993682, "40" },
  { "München", 48135125, 11581981, "89" },
  { "Köln", 50937531, 6960279, "221" },
  { "Frankfurt am Main", 50110922, 8682127, "69" },
  { "Stuttgart", 48775846, 9182932, "711" },
  { "Düsseldorf", 51227741, 6773456, "211" },
  { "Leipzig", 51339695, 12373075, "341" },
};
static const DemoCity fr_cities[] = {
  { "Paris", 48856614, 2352222, "1" },
  { "Marseille", 43296482, 5369780, "4" },
  { "Lyon", 45764043, 4835659, "4" },
  { "Toulouse", 43604652, 1444209, "5" },
  { "Nice", 43710173, 7261953, "4" },
  { "Nantes", 47218371, -1553621, "2" },
  { "Bordeaux", 44837789, -579180, "5" },
  { "Lille", 50629250, 3057256, "3" },
};
static const DemoCity gb_cities[] = {
  { "London", 51507351, -127758, "20" },
  { "Manchester", 53480759, -2242631, "161" },
  { "Birmingham", 52486243, -1890401, "121" },
  { "Glasgow", 55864237, -4251806, "141" },
  { "Leeds", 53800755, -1549077, "113" },
  { "Edinburgh", 55953252, -3188267, "131" },
  { "Bristol", 51454513, -2587910, "117" },
  { "Liverpool", 53408371, -2991573, "151" },
};
static const DemoCity us_cities[] = {
  { "New York", 40712775, -74005973, "212" },
  { "Los Angeles", 34052234, -118243685, "213" },
  { "Chicago", 41878114, -87629798, "312" },
  { "Houston", 29760427, -95369803, "713" },
  { "Phoenix", 33448377, -112074037, "602" },
  { "Philadelphia", 39952584, -75165222, "215" },
  { "San Francisco", 37774929, -122419416, "415" },
  { "Seattle", 47606209, -122332071, "206" },
  { "Boston", 42360082, -71058880, "617" },
  { "Miami", 25761680, -80191790, "305" },
};
static const DemoCity es_cities[] = {
  { "Madrid", 40416775, -3703790, "91" },
  { "Barcelona", 41385064, 2173404, "93" },
  { "Valencia", 39469907, -376288, "96" },
  { "Sevilla", 37389092, -5984459, "95" },
  { "Zaragoza", 41648823, -889085, "976" },
  { "Málaga", 36721261, -4421266, "95" },
  { "Bilbao", 43263013, -2934985, "94" },
};
static const DemoCity it_cities[] = {
  { "Roma", 41902784, 12496366, "06" },
  { "Milano", 45464204, 9189982, "02" },
  { "Napoli", 40851775, 14268124, "081" },
  { "Torino", 45070312, 7686856, "011" },
  { "Palermo", 38115688, 13361267, "091" },
  { "Bologna", 44494887, 11342616, "051" },
  { "Firenze", 43769562, 11255814, "055" },
};
static const DemoCity nl_cities[] = {
  { "Amsterdam", 52367573, 4904139, "20" },
  { "Rotterdam", 51924420, 4477733, "10" },
  { "Den Haag", 52070498, 4300700, "70" },
  { "Utrecht", 52090737, 5121420, "30" },
  { "Eindhoven", 51441642, 5469722, "40" },
};
static const DemoCity pl_cities[] = {
  { "Warszawa", 52229676, 21012229, "22" },
  { "Kraków", 50064650, 19944980, "12" },
  { "Łódź", 51759249, 19455983, "42" },
  { "Wrocław", 51107885, 17038538, "71" },
  { "Poznań", 52406374, 16925168, "61" },
  { "Gdańsk", 54352025, 18646638, "58" },
};
static const DemoCity at_cities[] = {
  { "Wien", 48208174, 16373819, "1" },
  { "Graz", 47070714, 15439504, "316" },
  { "Linz", 48306940, 14285830, "732" },
  { "Salzburg", 47809490, 13055010, "662" },
  { "Innsbruck", 47269212, 11404102, "512" },
};
static const DemoCity se_cities[] = {
  { "Stockholm", 59329323, 18068581, "8" },
  { "Göteborg", 57708870, 11974560, "31" },
  { "Malmö", 55604981, 13003822, "40" },
  { "Uppsala", 59858564, 17638927, "18" },
};

static const char *const common_domains[] = {
  "gmail.com", "outlook.com", "yahoo.com", "hotmail.com", "icloud.com",
};
static const char *const de_domains[] = { "gmx.de", "web.de", "t-online.de", "posteo.de" };
static const char *const fr_domains[] = { "orange.fr", "free.fr", "laposte.net", "sfr.fr" };
static const char *const gb_domains[] = { "btinternet.com", "sky.com", "yahoo.co.uk" };
static const char *const us_domains[] = { "aol.com", "comcast.net", "proton.me" };
static const char *const es_domains[] = { "telefonica.net", "yahoo.es" };
static const char *const it_domains[] = { "libero.it", "virgilio.it", "alice.it" };
static const char *const nl_domains[] = { "ziggo.nl", "kpnmail.nl" };
static const char *const pl_domains[] = { "wp.pl", "onet.pl", "interia.pl", "o2.pl" };
static const char *const at_domains[] = { "gmx.at", "aon.at" };
static const char *const se_domains[] = { "telia.com", "bredband.net" };

#define COUNTRY(code, weight, cc, style, nsn, p, names) \
  { code, weight, cc, style, nsn, p##_cities, G_N_ELEMENTS (p##_cities), &names, \
    p##_domains, G_N_ELEMENTS (p##_domains) }

static const DemoCountry countries[] = {
  COUNTRY ("DE", 20, "49", PHONE_TRUNK, 10, de, de_names),
  COUNTRY ("US", 18, "1", PHONE_NANP, 10, us, en_names),
  COUNTRY ("GB", 14, "44", PHONE_TRUNK, 10, gb, en_names),
  COUNTRY ("FR", 13, "33", PHONE_TRUNK, 9, fr, fr_names),
  COUNTRY ("ES", 8, "34", PHONE_NO_TRUNK, 9, es, es_names),
  COUNTRY ("IT", 8, "39", PHONE_NO_TRUNK, 10, it, it_names),
  COUNTRY ("NL", 6, "31", PHONE_TRUNK, 9, nl, nl_names),
  COUNTRY ("PL", 5, "48", PHONE_NO_TRUNK, 9, pl, pl_names),
  COUNTRY ("AT", 4, "43", PHONE_TRUNK, 10, at, de_names),
  COUNTRY ("SE", 4, "46", PHONE_TRUNK, 9, se, se_names),
};

#undef COUNTRY

typedef struct
{
  const char *name;
  guint       weight;
} Weighted;

static const Weighted plans_top[] = {
  { "free", 20 }, { "basic", 30 }, { "pro", 35 }, { "enterprise", 15 },
};
static const Weighted plans_rest[] = {
  { "free", 58 }, { "basic", 25 }, { "pro", 13 }, { "enterprise", 4 },
};
enum { PLAN_FREE, PLAN_BASIC, PLAN_PRO, PLAN_ENTERPRISE };

static const Weighted devices[] = {
  { "ios", 30 }, { "android", 35 }, { "web", 25 }, { "desktop", 10 },
};
enum { DEVICE_IOS, DEVICE_ANDROID, DEVICE_WEB, DEVICE_DESKTOP };

static const Weighted channels[] = {
  { "email", 55 }, { "push", 25 }, { "sms", 20 },
};

/* Category and its typical price, in cents. */
static const struct
{
  const char *name;
  guint       weight;
  guint       price;
} categories[] = {
  { "clothing", 22, 4490 },
  { "shoes", 16, 7990 },
  { "accessories", 12, 2490 },
  { "bags", 9, 11990 },
  { "beauty", 10, 2990 },
  { "home", 9, 5490 },
  { "sports", 8, 6990 },
  { "electronics", 6, 19990 },
  { "books", 5, 1690 },
  { "toys", 3, 2990 },
};

/* Features of the product; the first ones are open to every plan, the
 * rest only to pro and enterprise. */
static const char *const features[] = {
  "dashboards", "reports", "search", "sharing", "export",
  "api", "integrations", "automations", "sso",
};
#define N_FREE_FEATURES 5

typedef enum
{
  EV_PAGE_VIEW,
  EV_PRODUCT_VIEW,
  EV_SEARCH,
  EV_ADD_TO_CART,
  EV_CHECKOUT_STARTED,
  EV_PURCHASE,
  EV_EMAIL_OPEN,
  EV_EMAIL_CLICK,
  EV_APP_OPEN,
  EV_LOGIN,
  EV_FEATURE_USED,
  EV_SUPPORT_TICKET,
  EV_REVIEW_SUBMITTED,
} EventKind;

/* Weights per ten thousand. */
static const Weighted events[] = {
  [EV_PAGE_VIEW] = { "page_view", 2800 },
  [EV_PRODUCT_VIEW] = { "product_view", 1900 },
  [EV_SEARCH] = { "search", 500 },
  [EV_ADD_TO_CART] = { "add_to_cart", 600 },
  [EV_CHECKOUT_STARTED] = { "checkout_started", 250 },
  [EV_PURCHASE] = { "purchase", 180 },
  [EV_EMAIL_OPEN] = { "email_open", 900 },
  [EV_EMAIL_CLICK] = { "email_click", 250 },
  [EV_APP_OPEN] = { "app_open", 830 },
  [EV_LOGIN] = { "login", 650 },
  [EV_FEATURE_USED] = { "feature_used", 680 },
  [EV_SUPPORT_TICKET] = { "support_ticket", 60 },
  [EV_REVIEW_SUBMITTED] = { "review_submitted", 40 },
};

/* Campaigns running all year, and seasonal ones by month (1-12). */
static const char *const campaigns_always[] = {
  "weekly_newsletter", "welcome_series", "cart_reminder", "winback", "product_launch",
};
static const char *const campaigns_by_month[13] = {
  NULL, "new_year_sale", "valentines", "spring_sale", "spring_sale", "mothers_day",
  "summer_sale", "summer_sale", "back_to_school", "back_to_school", "halloween",
  "black_friday", "christmas",
};

/* Activity by hour of day (UTC) and by weekday (Monday first), relative. */
static const guint8 hour_weights[24] = {
  2, 1, 1, 1, 1, 2, 4, 7, 10, 11, 11, 11, 12, 12, 11, 11, 11, 12, 14, 16, 17, 15, 10, 5,
};
static const guint8 weekday_percent[7] = { 100, 98, 97, 96, 92, 78, 84 };

static const char customers_header[] =
  "customer_id,email,first_name,last_name,phone,birth_date,gender,country,city,"
  "latitude,longitude,signup_date,plan,preferred_channel,last_device,lifetime_value,"
  "email_opt_in,sms_opt_in,ads_opt_in,loyalty_points\n";

static const char events_header[] =
  "customer_id,event,timestamp,category,amount,feature,device,campaign\n";

/* Random numbers ---------------------------------------------------------- */

/* The splitmix64 output function: a bijective 64-bit mix. */
static inline guint64
mix64 (guint64 z)
{
  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  return z ^ (z >> 31);
}

static inline guint64
splitmix64 (guint64 *state)
{
  return mix64 (*state += G_GUINT64_CONSTANT (0x9E3779B97F4A7C15));
}

typedef struct
{
  guint64 s[4];
} Xoshiro;

static inline guint64
rotl (guint64 x,
      int     k)
{
  return (x << k) | (x >> (64 - k));
}

static inline guint64
xoshiro_next (Xoshiro *x)
{
  guint64 result = rotl (x->s[1] * 5, 7) * 9;
  guint64 t = x->s[1] << 17;

  x->s[2] ^= x->s[0];
  x->s[3] ^= x->s[1];
  x->s[1] ^= x->s[2];
  x->s[0] ^= x->s[3];
  x->s[2] ^= t;
  x->s[3] = rotl (x->s[3], 45);
  return result;
}

static void
xoshiro_seed (Xoshiro *x,
              guint64  seed)
{
  for (guint i = 0; i < 4; i++)
    x->s[i] = splitmix64 (&seed);
}

/* A number in [0, n), n <= 2^32 (multiply-shift; the bias is below 2^-32). */
static inline guint64
below (guint64 r,
       guint64 n)
{
  return ((r >> 32) * n) >> 32;
}

static inline gboolean
percent (guint64 r,
         guint   p)
{
  return below (r, 100) < p;
}

/* An index into @n table entries whose guint weights lie @stride bytes
 * apart, starting at @weight, with probability proportional to the weight. */
static guint
pick_strided (guint64      r,
              const guint *weight,
              guint        n,
              gsize        stride)
{
  guint total = 0;
  guint x;

#define WEIGHT(i) (*(const guint *)(gconstpointer)((const char *)weight + (i) * stride))
  for (guint i = 0; i < n; i++)
    total += WEIGHT (i);

  x = below (r, total);
  for (guint i = 0; i < n; i++)
    {
      if (x < WEIGHT (i))
        return i;
      x -= WEIGHT (i);
    }
#undef WEIGHT

  g_assert_not_reached ();
}

#define PICK(r, table) \
  pick_strided ((r), &(table)[0].weight, G_N_ELEMENTS (table), sizeof (table)[0])

/* Index in [0, n) skewed to the start: the smaller of two uniform draws
 * (the two halves of @r). */
static inline guint
pick_skewed (guint64 r,
             guint   n)
{
  return MIN (below (r, n), below (r << 32, n));
}

/* Dates -------------------------------------------------------------------- */

/* Days since 1970-01-01 to a civil date (proleptic Gregorian). */
static void
civil_from_days (gint64  z,
                 int    *year,
                 int    *month,
                 int    *day)
{
  gint64 era;
  guint doe, yoe, doy, mp;

  z += 719468;
  era = (z >= 0 ? z : z - 146096) / 146097;
  doe = (guint)(z - era * 146097);
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  *day = doy - (153 * mp + 2) / 5 + 1;
  *month = mp < 10 ? mp + 3 : mp - 9;
  *year = (int)(yoe + era * 400) + (*month <= 2);
}

static inline gint64
floor_div (gint64 a,
           gint64 b)
{
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

/* Output ------------------------------------------------------------------- */

/* A CSV file being written to a temporary file beside its final path. */
typedef struct
{
  const char *path;      /* borrowed */
  char       *tmp_path;  /* owned; NULL once renamed or removed */
  int         fd;
  char       *buf;
  gsize       len;
} Out;

static gboolean
out_open (Out         *out,
          const char  *path,
          GError     **error)
{
  out->path = path;
  out->tmp_path = g_strdup_printf ("%s.XXXXXX", path);
  out->fd = g_mkstemp_full (out->tmp_path, O_WRONLY | O_CLOEXEC, 0666);
  out->buf = g_malloc (OUT_BUFFER_SIZE);
  out->len = 0;

  if (out->fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not create a file beside “%s”: %s"),
                   path, g_strerror (saved_errno));
      g_clear_pointer (&out->tmp_path, g_free);
      return FALSE;
    }

  return TRUE;
}

/* Writes the buffer out; FALSE with @error set on a write error. */
static gboolean
out_flush (Out     *out,
           GError **error)
{
  gsize done = 0;

  while (done < out->len)
    {
      gssize n = write (out->fd, out->buf + done, out->len - done);

      if (n < 0 && errno == EINTR)
        continue;

      if (n < 0)
        {
          int saved_errno = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("Could not write “%s”: %s"), out->path, g_strerror (saved_errno));
          return FALSE;
        }

      done += n;
    }

  out->len = 0;
  return TRUE;
}

/* Flushes and closes; the file stays at its temporary path. */
static gboolean
out_close (Out     *out,
           GError **error)
{
  int fd = out->fd;

  if (!out_flush (out, error))
    return FALSE;

  out->fd = -1;
  if (close (fd) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not write “%s”: %s"), out->path, g_strerror (saved_errno));
      return FALSE;
    }

  return TRUE;
}

static gboolean
out_commit (Out     *out,
            GError **error)
{
  if (g_rename (out->tmp_path, out->path) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not write “%s”: %s"), out->path, g_strerror (saved_errno));
      return FALSE;
    }

  g_clear_pointer (&out->tmp_path, g_free);
  return TRUE;
}

/* Closes and removes whatever was not committed. */
static void
out_clear (Out *out)
{
  if (out->fd >= 0)
    close (out->fd);
  out->fd = -1;

  if (out->tmp_path != NULL)
    g_unlink (out->tmp_path);

  g_clear_pointer (&out->tmp_path, g_free);
  g_clear_pointer (&out->buf, g_free);
}

static inline void
put (Out        *out,
     const char *s,
     gsize       n)
{
  memcpy (out->buf + out->len, s, n);
  out->len += n;
}

static inline void
put_str (Out        *out,
         const char *s)
{
  put (out, s, strlen (s));
}

static inline void
put_char (Out  *out,
          char  c)
{
  out->buf[out->len++] = c;
}

static inline void
put_uint (Out     *out,
          guint64  v)
{
  char tmp[20];
  int i = sizeof tmp;

  do
    {
      tmp[--i] = '0' + v % 10;
      v /= 10;
    }
  while (v != 0);

  put (out, tmp + i, sizeof tmp - i);
}

/* @v with at least @width digits, zero-padded. */
static inline void
put_padded (Out     *out,
            guint64  v,
            guint    width)
{
  char tmp[20];
  int i = sizeof tmp;

  do
    {
      tmp[--i] = '0' + v % 10;
      v /= 10;
    }
  while (v != 0 || (int)sizeof tmp - i < (int)width);

  put (out, tmp + i, sizeof tmp - i);
}

/* A non-negative amount in cents as "12.34". */
static inline void
put_cents (Out     *out,
           guint64  cents)
{
  put_uint (out, cents / 100);
  put_char (out, '.');
  put_padded (out, cents % 100, 2);
}

/* Micro-degrees as "-12.345678". */
static inline void
put_micro (Out    *out,
           gint64  micro)
{
  if (micro < 0)
    {
      put_char (out, '-');
      micro = -micro;
    }

  put_uint (out, micro / 1000000);
  put_char (out, '.');
  put_padded (out, micro % 1000000, 6);
}

static void
put_date (Out    *out,
          gint64  days)
{
  int y, m, d;

  civil_from_days (days, &y, &m, &d);
  put_padded (out, y, 4);
  put_char (out, '-');
  put_padded (out, m, 2);
  put_char (out, '-');
  put_padded (out, d, 2);
}

/* Generation state --------------------------------------------------------- */

typedef struct
{
  const AudDemoOptions *options;

  gint64   now_day;      /* floor (now / 86400) */
  gint64   window_start; /* first second events may have */
  guint    id_width;     /* digits of customer ids */

  /* Activity ranks: rank r < n_active is customer row
   * (r * perm_mul + perm_add) mod n_customers (0-based); the rows with
   * ranks >= n_active have no events. */
  guint64  n_active;
  guint64  perm_mul;
  guint64  perm_mul_inverse;
  guint64  perm_add;

  guint8   hour_table[HOUR_TABLE_SIZE];

  /* "YYYY-MM-DDT" and the month of each day from window_start's day to
   * now_day. */
  char   (*day_text)[11];
  guint8  *day_month;
  guint    n_days;

  guint64  n_done;
  guint64  n_total;
  AudDemoProgressFunc progress;
  gpointer progress_data;
} Demo;

/* The traits of a customer that events depend on. */
typedef struct
{
  guint64  rng;          /* the customer's own stream, for further traits */
  guint64  rank;         /* activity rank; >= n_active: no events */
  guint    country;
  gint64   signup;       /* UTC seconds */
  guint    plan;
  guint    device;
  guint    category;     /* favourite category */
  gboolean has_phone;
  gboolean email_opt_in;
  gboolean sms_opt_in;
  gboolean ads_opt_in;
} Customer;

static guint64
gcd (guint64 a,
     guint64 b)
{
  while (b != 0)
    {
      guint64 t = a % b;

      a = b;
      b = t;
    }

  return a;
}

/* The inverse of @a modulo @n (gcd (a, n) == 1, n <= 2^31). */
static guint64
mod_inverse (guint64 a,
             guint64 n)
{
  gint64 t = 0, new_t = 1;
  gint64 r = n, new_r = a % n;

  if (n == 1)
    return 0;

  while (new_r != 0)
    {
      gint64 q = r / new_r;
      gint64 tmp;

      tmp = t - q * new_t;
      t = new_t;
      new_t = tmp;

      tmp = r - q * new_r;
      r = new_r;
      new_r = tmp;
    }

  return t < 0 ? t + n : t;
}

static void
demo_init (Demo                 *demo,
           const AudDemoOptions *options)
{
  guint64 n = options->n_customers;
  guint64 seed = options->seed ^ G_GUINT64_CONSTANT (0x5DEECE66D);
  guint hour_total = 0;
  guint slot = 0;
  gint64 first_day;

  demo->options = options;
  demo->now_day = floor_div (options->now, SECONDS_PER_DAY);
  demo->window_start = options->now - (gint64)EVENT_WINDOW_DAYS * SECONDS_PER_DAY;

  demo->id_width = 6;
  for (guint64 v = n + n / 100 + 50; v >= 1000000; v /= 10)
    demo->id_width++;

  demo->n_active = n - n * INACTIVE_PERCENT / 100;
  if (demo->n_active == 0 && n > 0)
    demo->n_active = 1;

  demo->perm_mul = 1;
  demo->perm_add = 0;
  if (n > 1)
    {
      demo->perm_mul = 1 + splitmix64 (&seed) % (n - 1);
      while (gcd (demo->perm_mul, n) != 1)
        demo->perm_mul = demo->perm_mul % (n - 1) + 1;
      demo->perm_add = splitmix64 (&seed) % n;
    }
  demo->perm_mul_inverse = n > 0 ? mod_inverse (demo->perm_mul, n) : 0;

  for (guint h = 0; h < 24; h++)
    hour_total += hour_weights[h];
  for (guint h = 0; h < 24; h++)
    {
      guint end = 0;

      for (guint k = 0; k <= h; k++)
        end += hour_weights[k];
      end = end * HOUR_TABLE_SIZE / hour_total;
      while (slot < end)
        demo->hour_table[slot++] = h;
    }

  first_day = floor_div (demo->window_start, SECONDS_PER_DAY);
  demo->n_days = demo->now_day - first_day + 1;
  demo->day_text = g_malloc (demo->n_days * sizeof *demo->day_text);
  demo->day_month = g_malloc (demo->n_days);
  for (guint i = 0; i < demo->n_days; i++)
    {
      char text[16];
      int y, m, d;

      civil_from_days (first_day + i, &y, &m, &d);
      g_snprintf (text, sizeof text, "%04d-%02d-%02dT", y, m, d);
      memcpy (demo->day_text[i], text, 11);
      demo->day_month[i] = m;
    }
}

static void
demo_clear (Demo *demo)
{
  g_clear_pointer (&demo->day_text, g_free);
  g_clear_pointer (&demo->day_month, g_free);
}

static inline guint64
row_for_rank (const Demo *demo,
              guint64     rank)
{
  return (rank * demo->perm_mul + demo->perm_add) % demo->options->n_customers;
}

static inline guint64
rank_for_row (const Demo *demo,
              guint64     row)
{
  guint64 n = demo->options->n_customers;

  return ((row + n - demo->perm_add) % n) * demo->perm_mul_inverse % n;
}

/* Derives the traits of customer @row (0-based). The draws happen in a
 * fixed order: changing it changes every file. */
static void
customer_init (const Demo *demo,
               guint64     row,
               Customer   *c)
{
  guint64 r, u;

  /* Mixed, not stepped: rows seeded a step apart would share their
   * streams shifted by one draw. */
  c->rng = mix64 (mix64 (demo->options->seed ^ G_GUINT64_CONSTANT (0xD1B54A32D192ED03)) + row);
  c->rank = rank_for_row (demo, row);

  c->country = PICK (splitmix64 (&c->rng), countries);

  /* Signup age in days: the smaller of two draws, which favours recent
   * signups (growth); the most active tenth signed up earlier (the larger
   * of two draws). */
  r = splitmix64 (&c->rng);
  if (c->rank < demo->n_active / 10)
    u = MAX (r >> 32, r & G_MAXUINT32);
  else
    u = MIN (r >> 32, r & G_MAXUINT32);
  c->signup = (demo->now_day - 1 - (gint64)((u * SIGNUP_DAYS) >> 32)) * SECONDS_PER_DAY +
              (gint64)below (splitmix64 (&c->rng), SECONDS_PER_DAY);

  r = splitmix64 (&c->rng);
  if (c->rank < demo->n_active / 20)
    c->plan = PICK (r, plans_top);
  else
    c->plan = PICK (r, plans_rest);

  c->device = PICK (splitmix64 (&c->rng), devices);
  c->category = PICK (splitmix64 (&c->rng), categories);

  c->has_phone = percent (splitmix64 (&c->rng), 86);
  c->email_opt_in = percent (splitmix64 (&c->rng), 71);
  c->sms_opt_in = c->has_phone && percent (splitmix64 (&c->rng), 40);
  c->ads_opt_in = percent (splitmix64 (&c->rng), 55);
}

static gboolean
report_progress (Demo          *demo,
                 GCancellable  *cancellable,
                 GError       **error)
{
  demo->n_done++;

  if (demo->n_done % CHECK_EVERY == 0 &&
      g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  if (demo->progress != NULL && demo->n_done % PROGRESS_EVERY == 0)
    demo->progress (demo->n_done, demo->n_total, demo->progress_data);

  return TRUE;
}

static void
put_customer_id (Out        *out,
                 const Demo *demo,
                 guint64     row)
{
  put_char (out, 'C');
  put_padded (out, row + 1, demo->id_width);
}

/* Customers ---------------------------------------------------------------- */

static void
put_email (Out            *out,
           Customer       *c,
           guint64         row,
           const DemoName *first,
           const DemoName *last)
{
  const DemoCountry *country = &countries[c->country];
  const char *first_ascii = first->ascii ? first->ascii : first->name;
  const char *last_ascii = last->ascii ? last->ascii : last->name;
  char email[160];
  const char *domain;
  gsize n = 0;
  guint64 r;
  gboolean lead, trail;

#define APPEND(s) G_STMT_START { \
    for (const char *p_ = (s); *p_ != '\0'; p_++) \
      email[n++] = g_ascii_tolower (*p_); \
  } G_STMT_END

  /* The local part ends in the row number, so addresses are unique even
   * after case folding and trimming. */
  switch (below (splitmix64 (&c->rng), 6))
    {
    case 0: APPEND (first_ascii); APPEND ("."); APPEND (last_ascii); break;
    case 1: APPEND (first_ascii); APPEND (last_ascii); break;
    case 2: email[n++] = g_ascii_tolower (first_ascii[0]); APPEND ("."); APPEND (last_ascii); break;
    case 3: APPEND (first_ascii); APPEND ("_"); APPEND (last_ascii); break;
    case 4: APPEND (last_ascii); APPEND ("."); APPEND (first_ascii); break;
    default: APPEND (first_ascii); break;
    }
  n += g_snprintf (email + n, 24, "%" G_GUINT64_FORMAT, row + 1);

  r = splitmix64 (&c->rng);
  if (percent (r, 60))
    domain = common_domains[below (r << 32, G_N_ELEMENTS (common_domains))];
  else
    domain = country->domains[below (r << 32, country->n_domains)];
  email[n++] = '@';
  APPEND (domain);

#undef APPEND

  /* Some addresses as people type them: capitalised, shouting, padded. */
  r = splitmix64 (&c->rng);
  switch (below (r, 100))
    {
    case 0: case 1:
      for (gsize i = 0; i < n; i++)
        email[i] = g_ascii_toupper (email[i]);
      break;

    case 2: case 3: case 4: case 5:
      email[0] = g_ascii_toupper (email[0]);
      for (gsize i = 1; i < n && email[i - 1] != '@'; i++)
        if (email[i - 1] == '.' || email[i - 1] == '_')
          email[i] = g_ascii_toupper (email[i]);
      break;

    default:
      break;
    }

  r = splitmix64 (&c->rng);
  lead = below (r, 100) == 0;
  trail = below (r << 32, 100) == 0;
  if (lead || trail)
    put_char (out, '"');
  if (lead)
    put_char (out, ' ');
  put (out, email, n);
  if (trail)
    put_char (out, ' ');
  if (lead || trail)
    put_char (out, '"');
}

static void
put_phone (Out            *out,
           Customer       *c,
           const DemoCity *city)
{
  const DemoCountry *country = &countries[c->country];
  guint n_digits = country->nsn_digits - strlen (city->area);
  char digits[16];
  guint64 r = splitmix64 (&c->rng);
  guint style = below (r, 100);

  for (guint i = 0; i < n_digits; i++)
    {
      r = splitmix64 (&c->rng);
      digits[i] = '0' + (i == 0 ? 2 + below (r, 8) : below (r, 10));
    }
  digits[n_digits] = '\0';

  if (style < 45)
    {
      /* E.164 with spaces: "+49 30 12345678" */
      put_char (out, '+');
      put_str (out, country->calling_code);
      put_char (out, ' ');
      put_str (out, city->area);
      put_char (out, ' ');
      put_str (out, digits);
    }
  else if (style < 55)
    {
      /* E.164 without spaces */
      put_char (out, '+');
      put_str (out, country->calling_code);
      put_str (out, city->area);
      put_str (out, digits);
    }
  else if (country->phone_style == PHONE_NANP)
    {
      /* "(212) 555-0123" */
      put_char (out, '(');
      put_str (out, city->area);
      put (out, ") ", 2);
      put (out, digits, 3);
      put_char (out, '-');
      put_str (out, digits + 3);
    }
  else
    {
      /* National: "030 12345678", or "91 1234567" where there is no trunk
       * prefix. */
      if (country->phone_style == PHONE_TRUNK)
        put_char (out, '0');
      put_str (out, city->area);
      put_char (out, ' ');
      put_str (out, digits);
    }
}

/* Expected number of events of a customer by activity rank (the density
 * of the rank distribution times the mean). */
static double
expected_events (const Demo *demo,
                 guint64     rank)
{
  double t, n_active = demo->n_active;

  if (rank >= demo->n_active)
    return 0.0;

  /* 20x + 1 with x = (rank + 0.5) / n_active */
  t = (20.0 * (rank + 0.5)) / n_active + 1.0;
  return (double)demo->options->n_events * 21.0 / (n_active * (t * t));
}

static void
write_customer (Out      *out,
                Demo     *demo,
                guint64   row)
{
  Customer c;
  const DemoCountry *country;
  const DemoNames *names;
  const DemoName *first, *last;
  const DemoCity *city;
  const char *gender;
  guint64 r;
  guint g;

  customer_init (demo, row, &c);
  country = &countries[c.country];
  names = country->names;

  put_customer_id (out, demo, row);
  put_char (out, ',');

  g = below (splitmix64 (&c.rng), 1000);
  if (g < 490)
    gender = "female";
  else if (g < 960)
    gender = "male";
  else if (g < 975)
    gender = "other";
  else
    gender = "";
  r = splitmix64 (&c.rng);
  if (g < 490 || (g >= 960 && percent (r << 32, 50)))
    first = &names->female[below (r, names->n_female)];
  else
    first = &names->male[below (r, names->n_male)];
  last = &names->last[below (splitmix64 (&c.rng), names->n_last)];

  city = &country->cities[pick_skewed (splitmix64 (&c.rng), country->n_cities)];

  put_email (out, &c, row, first, last);
  put_char (out, ',');
  put_str (out, first->name);
  put_char (out, ',');
  put_str (out, last->name);
  put_char (out, ',');

  /* phone (of the city's area) */
  if (c.has_phone)
    put_phone (out, &c, city);
  put_char (out, ',');

  /* birth_date: 18 to 84 years old, younger more likely; some Feb 29 */
  r = splitmix64 (&c.rng);
  if (percent (r, 92))
    {
      guint age = 18 + pick_skewed (splitmix64 (&c.rng), 67);
      gint64 born = demo->now_day - (gint64)age * 36525 / 100 - below (r << 32, 365);

      if (below (splitmix64 (&c.rng), 1000) < 4)
        {
          int y, m, d;

          civil_from_days (born, &y, &m, &d);
          y -= ((y % 4) + 4) % 4;
          put_padded (out, y, 4);
          put (out, "-02-29", 6);
        }
      else
        {
          put_date (out, born);
        }
    }
  put_char (out, ',');

  put_str (out, gender);
  put_char (out, ',');
  put_str (out, country->code);
  put_char (out, ',');

  /* city, latitude, longitude: a few km around the city centre */
  if (percent (splitmix64 (&c.rng), 95))
    {
      r = splitmix64 (&c.rng);
      gint64 dlat = (gint64)below (r, 90001) - 45000;
      gint64 dlon = (gint64)below (r << 32, 130001) - 65000;

      put_str (out, city->name);
      put_char (out, ',');
      put_micro (out, city->lat + dlat);
      put_char (out, ',');
      put_micro (out, city->lon + dlon);
    }
  else
    {
      put (out, ",,", 2);
    }
  put_char (out, ',');

  put_date (out, floor_div (c.signup, SECONDS_PER_DAY));
  put_char (out, ',');
  put_str (out, plans_rest[c.plan].name);  /* the same names as plans_top */
  put_char (out, ',');

  {
    guint channel = PICK (splitmix64 (&c.rng), channels);

    if (channel == 2 && !c.has_phone)
      channel = 0;
    put_str (out, channels[channel].name);
  }
  put_char (out, ',');
  put_str (out, devices[c.device].name);
  put_char (out, ',');

  /* lifetime_value and loyalty_points follow activity */
  {
    /* purchases in the event history, and as many again before it */
    double purchases = expected_events (demo, c.rank) * 0.036;
    guint64 basket;
    guint64 cents;
    guint64 points;

    r = splitmix64 (&c.rng);
    basket = categories[c.category].price * (50 + below (r, 101)) / 100;
    if (purchases == 0.0 && below (r << 32, 5) == 0)
      purchases = 0.5;  /* bought before the event history starts */
    cents = (guint64)(purchases * basket);
    put_cents (out, cents);
    put_char (out, ',');

    put_str (out, c.email_opt_in ? "true" : "false");
    put_char (out, ',');
    put_str (out, c.sms_opt_in ? "true" : "false");
    put_char (out, ',');
    put_str (out, c.ads_opt_in ? "true" : "false");
    put_char (out, ',');

    points = cents / 100 * 10;
    if (points > 0)
      points += below (splitmix64 (&c.rng), 200);
    put_uint (out, points);
  }

  put_char (out, '\n');
}

/* Events ------------------------------------------------------------------- */

/* An event time for a customer who signed up at @signup: in the window,
 * after the signup, recent days more likely, by weekday and hour. */
static gint64
pick_time (Demo    *demo,
           Xoshiro *x,
           gint64   signup)
{
  gint64 now = demo->options->now;
  gint64 lo = MAX (signup, demo->window_start);
  gint64 lo_day = floor_div (lo, SECONDS_PER_DAY);
  guint64 span_days = demo->now_day - lo_day + 1;

  for (guint attempt = 0; attempt < 16; attempt++)
    {
      guint64 r = xoshiro_next (x);
      gint64 day, ts;

      /* Days back: half uniform, half the smaller of two draws, so the
       * last days are three times as busy as the first. */
      day = demo->now_day - (gint64)below (r & 1 ? MIN (r, r << 32) : r, span_days);

      if (below (xoshiro_next (x), 100) >= weekday_percent[(day + 3) % 7])
        continue;

      r = xoshiro_next (x);
      ts = day * SECONDS_PER_DAY +
           demo->hour_table[below (r, HOUR_TABLE_SIZE)] * 3600 +
           (gint64)below (r << 32, 3600);
      if (ts >= lo && ts <= now)
        return ts;
    }

  return lo + (gint64)below (xoshiro_next (x), MIN (now - lo + 1, G_MAXUINT32));
}

static void
write_event (Out     *out,
             Demo    *demo,
             Xoshiro *x)
{
  const AudDemoOptions *options = demo->options;
  Customer c;
  guint64 r = xoshiro_next (x);
  gboolean unknown = options->n_customers == 0 || below (r, 1000) < UNKNOWN_PER_MILLE;
  EventKind kind;
  gint64 ts, day_index;
  guint category, device;
  const char *feature = NULL;
  const char *campaign = NULL;
  guint64 amount = 0;
  gboolean with_category = FALSE;
  gboolean with_device = FALSE;

  if (unknown)
    {
      /* A customer missing from the customers file. */
      memset (&c, 0, sizeof c);
      c.signup = G_MININT64;
      r = xoshiro_next (x);
      c.device = below (r, G_N_ELEMENTS (devices));
      c.category = below (r << 32, G_N_ELEMENTS (categories));
      c.email_opt_in = TRUE;
      put_char (out, 'C');
      put_padded (out,
                  options->n_customers + 1 +
                  below (xoshiro_next (x), MAX (options->n_customers / 100, 50)),
                  demo->id_width);
    }
  else
    {
      /* Bounded power law over the activity rank: with u uniform in
       * [0, 1), rank = n_active * u / (21 - 20u). */
      guint64 u = xoshiro_next (x) >> 32;
      guint64 rank = demo->n_active * u / (21 * (G_GUINT64_CONSTANT (1) << 32) - 20 * u);
      guint64 row = row_for_rank (demo, rank);

      customer_init (demo, row, &c);
      put_customer_id (out, demo, row);
    }
  put_char (out, ',');

  kind = PICK (xoshiro_next (x), events);
  if ((kind == EV_EMAIL_OPEN || kind == EV_EMAIL_CLICK) && !c.email_opt_in)
    kind = EV_PAGE_VIEW;
  put_str (out, events[kind].name);
  put_char (out, ',');

  ts = pick_time (demo, x, c.signup);
  day_index = floor_div (ts, SECONDS_PER_DAY) - (demo->now_day - demo->n_days + 1);
  put (out, demo->day_text[day_index], 11);
  {
    gint64 s = ts - floor_div (ts, SECONDS_PER_DAY) * SECONDS_PER_DAY;

    put_padded (out, s / 3600, 2);
    put_char (out, ':');
    put_padded (out, s / 60 % 60, 2);
    put_char (out, ':');
    put_padded (out, s % 60, 2);
    put (out, "Z,", 2);
  }

  r = xoshiro_next (x);
  category = percent (r, 60) ? c.category : PICK (r << 32, categories);
  r = xoshiro_next (x);
  device = percent (r, 75) ? c.device : below (r << 32, G_N_ELEMENTS (devices));

  switch (kind)
    {
    case EV_PAGE_VIEW:
      with_category = percent (xoshiro_next (x), 50);
      with_device = TRUE;
      break;

    case EV_PRODUCT_VIEW:
    case EV_ADD_TO_CART:
    case EV_CHECKOUT_STARTED:
    case EV_REVIEW_SUBMITTED:
      with_category = TRUE;
      with_device = TRUE;
      break;

    case EV_PURCHASE:
      with_category = TRUE;
      with_device = TRUE;
      r = xoshiro_next (x);
      /* 40% to 250% of the category's typical price */
      amount = (guint64)categories[category].price * (40 + below (r, 211)) / 100;
      if (percent (r << 32, 20))
        campaign = campaigns_always[below (xoshiro_next (x), G_N_ELEMENTS (campaigns_always))];
      break;

    case EV_EMAIL_OPEN:
    case EV_EMAIL_CLICK:
      r = xoshiro_next (x);
      if (percent (r, 35))
        campaign = campaigns_by_month[demo->day_month[day_index]];
      else
        campaign = campaigns_always[below (r << 32, G_N_ELEMENTS (campaigns_always))];
      break;

    case EV_APP_OPEN:
      with_device = TRUE;
      if (device != DEVICE_IOS && device != DEVICE_ANDROID)
        device = percent (xoshiro_next (x), 50) ? DEVICE_IOS : DEVICE_ANDROID;
      break;

    case EV_FEATURE_USED:
      with_device = TRUE;
      r = xoshiro_next (x);
      if (c.plan >= PLAN_PRO)
        feature = features[below (r, G_N_ELEMENTS (features))];
      else
        feature = features[below (r, N_FREE_FEATURES)];
      break;

    case EV_SEARCH:
    case EV_LOGIN:
    case EV_SUPPORT_TICKET:
      with_device = TRUE;
      break;

    default:
      g_assert_not_reached ();
    }

  if (with_category)
    put_str (out, categories[category].name);
  put_char (out, ',');
  if (kind == EV_PURCHASE)
    put_cents (out, amount);
  put_char (out, ',');
  if (feature != NULL)
    put_str (out, feature);
  put_char (out, ',');
  if (with_device)
    put_str (out, devices[device].name);
  put_char (out, ',');
  if (campaign != NULL)
    put_str (out, campaign);
  put_char (out, '\n');
}

/* Public API ----------------------------------------------------------- */

/**
 * aud_demo_options_init:
 * @options: options to fill
 *
 * Sets the defaults: 1,000 customers, 20,000 events, seed 1 and the
 * reference time 2025-01-01T00:00:00Z.
 */
void
aud_demo_options_init (AudDemoOptions *options)
{
  g_return_if_fail (options != NULL);

  options->n_customers = 1000;
  options->n_events = 20000;
  options->seed = 1;
  options->now = DEFAULT_NOW;
}

/**
 * aud_demo_write_csv:
 * @options: what to generate
 * @customers_path: the customers file to write (replaced if it exists)
 * @events_path: the events file to write (replaced if it exists)
 * @cancellable: (nullable): checked every few thousand rows
 * @progress: (nullable) (scope call): called as rows are written
 * @progress_data: data for @progress
 * @error: return location for an error
 *
 * Writes demo customers and events as CSV (see the top of aud-demo.h for
 * the columns). Each file is written beside its final path and renamed into
 * place only when both are complete: on failure or cancellation neither path
 * is touched.
 *
 * Blocks; call it from a worker thread in an interactive program. Any
 * thread.
 *
 * Returns: %TRUE on success; %FALSE with @error set (%AUD_DEMO_ERROR_INVALID
 *   for out-of-range options, a %G_IO_ERROR for files and cancellation)
 */
gboolean
aud_demo_write_csv (const AudDemoOptions *options,
                    const char           *customers_path,
                    const char           *events_path,
                    GCancellable         *cancellable,
                    AudDemoProgressFunc   progress,
                    gpointer              progress_data,
                    GError              **error)
{
  Demo demo = { 0 };
  Out customers = { .fd = -1 };
  Out events_out = { .fd = -1 };
  Xoshiro x;
  gboolean ret = FALSE;

  g_return_val_if_fail (options != NULL, FALSE);
  g_return_val_if_fail (customers_path != NULL, FALSE);
  g_return_val_if_fail (events_path != NULL, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (options->n_customers > AUD_DEMO_MAX_CUSTOMERS)
    {
      g_autofree char *max = g_strdup_printf ("%" G_GUINT64_FORMAT, (guint64)AUD_DEMO_MAX_CUSTOMERS);

      g_set_error (error, AUD_DEMO_ERROR, AUD_DEMO_ERROR_INVALID,
                   _("The number of customers must be at most %s"), max);
      return FALSE;
    }

  if (options->n_events > AUD_DEMO_MAX_EVENTS)
    {
      g_autofree char *max = g_strdup_printf ("%" G_GUINT64_FORMAT, (guint64)AUD_DEMO_MAX_EVENTS);

      g_set_error (error, AUD_DEMO_ERROR, AUD_DEMO_ERROR_INVALID,
                   _("The number of events must be at most %s"), max);
      return FALSE;
    }

  if (options->now < NOW_MIN || options->now >= NOW_MAX)
    {
      g_set_error (error, AUD_DEMO_ERROR, AUD_DEMO_ERROR_INVALID,
                   _("The reference time must lie between the years 2000 and 9000"));
      return FALSE;
    }

  if (g_strcmp0 (customers_path, events_path) == 0)
    {
      g_set_error (error, AUD_DEMO_ERROR, AUD_DEMO_ERROR_INVALID,
                   _("The customers and events files must differ: “%s”"), customers_path);
      return FALSE;
    }

  demo_init (&demo, options);
  demo.n_total = options->n_customers + options->n_events;
  demo.progress = progress;
  demo.progress_data = progress_data;

  if (!out_open (&customers, customers_path, error) ||
      !out_open (&events_out, events_path, error))
    goto out;

  put (&customers, customers_header, sizeof customers_header - 1);
  for (guint64 row = 0; row < options->n_customers; row++)
    {
      write_customer (&customers, &demo, row);
      if (customers.len > OUT_BUFFER_SIZE - OUT_ROW_MAX && !out_flush (&customers, error))
        goto out;
      if (!report_progress (&demo, cancellable, error))
        goto out;
    }
  if (!out_close (&customers, error))
    goto out;

  xoshiro_seed (&x, options->seed ^ G_GUINT64_CONSTANT (0xA0761D6478BD642F));
  put (&events_out, events_header, sizeof events_header - 1);
  for (guint64 i = 0; i < options->n_events; i++)
    {
      write_event (&events_out, &demo, &x);
      if (events_out.len > OUT_BUFFER_SIZE - OUT_ROW_MAX && !out_flush (&events_out, error))
        goto out;
      if (!report_progress (&demo, cancellable, error))
        goto out;
    }
  if (!out_close (&events_out, error))
    goto out;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    goto out;

  if (!out_commit (&customers, error) || !out_commit (&events_out, error))
    goto out;

  if (progress != NULL)
    progress (demo.n_total, demo.n_total, progress_data);

  ret = TRUE;

out:
  out_clear (&customers);
  out_clear (&events_out);
  demo_clear (&demo);

  return ret;
}

/**
 * aud_demo_import_file:
 * @store: the workspace
 * @path: customers.csv or events.csv as written by aud_demo_write_csv()
 * @kind: which of the two
 * @progress: (nullable): progress of the import
 * @cancellable: (nullable): a cancellable
 * @error: return location for an error
 *
 * Returns: (transfer full): the summary, or %NULL with @error set
 */
AudImportSummary *
aud_demo_import_file (AudStore       *store,
                      const char     *path,
                      AudImportKind   kind,
                      AudProgress    *progress,
                      GCancellable   *cancellable,
                      GError        **error)
{
  g_autoptr(AudImportPreview) preview = NULL;
  g_autoptr(AudImportMapping) mapping = NULL;

  g_return_val_if_fail (AUD_IS_STORE (store), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  preview = aud_import_preview_new (path, NULL, NULL, 0, cancellable, error);
  if (preview == NULL)
    return NULL;

  mapping = aud_import_preview_dup_mapping (preview, kind);
  g_free (mapping->id_column);
  mapping->id_column = g_strdup ("customer_id");
  if (kind == AUD_IMPORT_EVENTS)
    {
      g_free (mapping->event_column);
      mapping->event_column = g_strdup ("event");
      g_clear_pointer (&mapping->event_name, g_free);
      g_free (mapping->time_column);
      mapping->time_column = g_strdup ("timestamp");
    }

  return aud_importer_run (store, path, mapping, cancellable, progress, error);
}
