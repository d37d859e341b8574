/* pagemeta.h - what a line of a web page says about the article: dates,
 * "来源：" source labels, site suffixes of titles, page furniture; and what
 * the class and id names of its markup say.
 *
 * Every function reads s[0..n) (UTF-8, no NUL needed; collapsed white
 * space - single ASCII spaces - is what they are tuned for) and never
 * allocates.
 *
 * Dates: 2019-12-21, 2019/12/21, 2019.12.21 or 2019年12月21日 (year
 * 1990-2099, not inside a longer number), optionally followed - after
 * spaces, "T" or "-" - by a time 10:48, 10:48:05, 10：48 or 10时48分.  A time
 * of 00:00:00 or 23:59:59 (what content systems write for "no time") is
 * dropped.  The result is "YYYY-MM-DD HH:MM" or "YYYY-MM-DD" (16 or 10
 * characters plus NUL in out[17]), checked by fupin_date_parse.
 */
#ifndef FUPIN_PAGEMETA_H
#define FUPIN_PAGEMETA_H

#include <stddef.h>

/* A date starting exactly at s[i]: 1 with *end (one past it) and out, else
 * 0. */
int fupin_pagemeta_date_at(const char *s, size_t n, size_t i, size_t *end, char out[17]);

/* The first date anywhere in s: 1 and out, else 0. */
int fupin_pagemeta_find_date(const char *s, size_t n, char out[17]);

/* A date right after a label - 发布时间, 发表时间, 发稿时间, 发布日期,
 * 更新时间, 时间, 日期, 发布于, 发表于, 发布 - and an optional colon: 1 and
 * out, else 0. */
int fupin_pagemeta_labelled_date(const char *s, size_t n, char out[17]);

/* A source after a label - 文章来源, 信息来源, 稿件来源, 新闻来源, 本文来源,
 * 内容来源, 消息来源, 来源 - and a colon (':' or '：'); the label must not
 * follow a CJK character (资金来源 is prose).  The value runs to a space,
 * '|', '｜' or the next label (作者, 编辑, 时间, 发布, 浏览, 【, ...), at most
 * 40 characters, without trailing punctuation.  1 with the value at
 * s[*off .. *off + *len), else 0. */
int fupin_pagemeta_labelled_source(const char *s, size_t n, size_t *off, size_t *len);

/* Is the line page furniture: editor, print, share, font-size, view-count
 * or source lines (责任编辑, 打印, 分享到, 字号, 点击进入, 来源：...)? */
int fupin_pagemeta_furniture(const char *s, size_t n);

/* The length of a page title without its site suffix: the title is cut at
 * the first " - ", " – ", " — ", "--", "——", "_", "|", "｜" or "-" after at
 * least six bytes (a '-' between two ASCII letters or digits is a hyphen,
 * not a separator); trailing spaces go too.  n when there is none. */
size_t fupin_pagemeta_strip_site(const char *t, size_t n);

/* ---- class and id names ----
 * v is an attribute value (NUL-terminated, NULL allowed: 0). */

/* Does a class or id name page furniture?  Matched per word (runs of ASCII
 * letters and digits, lower-cased): foot, side, ad(s), hot, rank, tag(s),
 * keyword(s), tool(s), print, header, sns, jubao, reward, dashang, pager
 * outright; comment, share, footer, copyright, sidebar, breadcrumb, crumb,
 * recommend, related, relate, advert, banner, login, search, toolbar,
 * pagination, qrcode, social, nav, menu, sitemap, friendlink, hotnews, tie
 * (网易's comments) and 网易's ad slots gg2/3/6/7 as the start of a word. */
int fupin_pagemeta_noise_name(const char *v);

/* Does it name a summary (摘要): summary, digest, abstract or zhaiyao
 * anywhere, any case (网易's ep-summary)? */
int fupin_pagemeta_summary_name(const char *v);

/* Is "source" a word of it: preceded by the start, ' ', '_' or '-' and
 * followed by the end, ' ', '_' or '-' (a_source, ne_article_source; not
 * sourcePopwin)? */
int fupin_pagemeta_source_name(const char *v);

#endif
