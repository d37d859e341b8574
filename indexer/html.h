/* html.h - a web page to an article.
 *
 * The page (already UTF-8: see decode.h) is parsed with gumbo and read as
 * lines of visible text: a line ends at every block element and <br>;
 * script, style, noscript, template, iframe, object, embed, svg, math,
 * form controls and comments are invisible.
 *
 * Body: nav, header, footer and aside elements, forms (unless a form wraps
 * most of the page, as ASP.NET pages do) and elements whose class or id
 * names comments, sharing, footers, sidebars, breadcrumbs, related or
 * recommended links and the like are noise.  Every other line that is not
 * mostly link text scores its non-link characters (fewer for lines without
 * punctuation) for the element holding its paragraph, and half that for
 * the element above; the body is the element with the best score times
 * (1 - its link density), read back as its non-noise, not-link-heavy lines
 * joined with "\n".  Leading lines that repeat the title or carry the
 * date/source, and trailing editor/source/print/share lines, are dropped,
 * as are a first or last line of at most 4 characters without punctuation
 * that does not end in a colon (a widget: 图集, +1), a short unpunctuated
 * line followed by a link-heavy one (the heading of a link list: 相关新闻)
 * and lines of nothing but U+FFFD.  A paragraph just before the body's
 * element, beside it, whose class or id names a summary (summary, digest,
 * abstract, zhaiyao: 网易's ep-summary) opens the body.
 *
 * Title: the first <h1> (else <h2>, <h3>) that matches the <title>; else
 * a line of the page that is the <title> up to a space, '_', '-' or '|'
 * (a site name after a plain space); else og:title, ArticleTitle or <meta
 * name=title>; else the <title> without its site suffix
 * (fupin_pagemeta_strip_site); else the first <h1>.
 * Dates, labels and furniture words are pagemeta.h's.
 * Date: a meta tag (article:published_time, pubdate, publishdate, PubDate,
 * og:release_date, firstpublishedtime, datePublished, ...); else the first
 * date on the lines between the title and the body (a labelled one -
 * 发布时间：, 时间：, 日期：... - first); else a labelled date anywhere.  A
 * meta date without a time takes the time of the same day from the page.
 * Formats: 2019-12-21 10:48[:ss], 2019-12-21T10:48:00+08:00, 2019/12/21,
 * 2019.12.21, 2019年12月21日 10:48 (or 10时48分); given as
 * "YYYY-MM-DD HH:MM" or "YYYY-MM-DD".
 * Source: a label (来源, 文章来源, 信息来源, 稿件来源, 本文来源...) on the
 * lines around the title and at the end of the body; else an element whose
 * class or id has "source" as a word (a_source, ne_article_source; not
 * sourcePopwin), its text when at most 60 bytes and not a date or a
 * "key: value"; else meta source, ContentSource or mediaid; else a label
 * anywhere.  A label's value is the text after the colon up to a space,
 * "|" or the next label (fupin_pagemeta_labelled_source).
 * URL: <link rel=canonical> or og:url, when absolute (http/https).
 */
#ifndef FUPIN_HTML_H
#define FUPIN_HTML_H

#include <stddef.h>
#include "../common/article.h"

typedef struct fupin_html fupin_html;

/* Returns 0 and *out, or FUPIN_ENOMEM. */
int fupin_html_new(fupin_html **out);
void fupin_html_free(fupin_html *h);

/* Extracts the article of the page text[0..len) (UTF-8; invalid bytes are
 * read as U+FFFD).  Returns 1 and *a (title, source, date, url, body; id
 * and byline empty; fields point into h and stay valid until the next
 * parse or free; a missing field is ("", 0)); 0 when the page holds no
 * article - no body text of at least 20 characters, or elements nested
 * more than 8000 deep (gumbo's time grows with the square of the depth) -
 * with the reason in fupin_html_errmsg; or FUPIN_ENOMEM. */
int fupin_html_parse(fupin_html *h, const char *text, size_t len, fupin_article *a);

/* Why the last parse gave no article; "" otherwise. */
const char *fupin_html_errmsg(const fupin_html *h);

#endif
