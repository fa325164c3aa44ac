/*
 * QR code to SVG with libqrencode (level M).  The picture uses attributes
 * only, never style=, so the page's CSP (style-src 'self') holds.  Each
 * run of dark modules in a row becomes one rectangle of the single path,
 * which keeps the markup small and crisp at any scale.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <qrencode.h>

#include "escape.h"
#include "qrsvg.h"

#define QRSVG_QUIET	4		/* modules of light border */

static void
qrsvg_row(struct buf *b, const QRcode *qr, int y)
{
	int	 x, start;

	for (x = 0; x < qr->width; ) {
		if (!(qr->data[y * qr->width + x] & 1)) {
			x++;
			continue;
		}
		start = x;
		while (x < qr->width && (qr->data[y * qr->width + x] & 1))
			x++;
		buf_printf(b, "M%d %dh%dv1h-%dz", start + QRSVG_QUIET,
		    y + QRSVG_QUIET, x - start, x - start);
	}
}

int
qrsvg_render(struct buf *b, const char *text)
{
	QRcode	*qr;
	int	 y, size;

	if (text[0] == '\0' || strlen(text) > QRSVG_MAXTEXT)
		return -1;
	if ((qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8,
	    1)) == NULL)
		return -1;
	size = qr->width + 2 * QRSVG_QUIET;
	buf_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "class=\"qr\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
	    "shape-rendering=\"crispEdges\" role=\"img\" "
	    "aria-label=\"QR code\">", size, size, size * 4, size * 4);
	buf_printf(b, "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>",
	    size, size);
	buf_addstr(b, "<path fill=\"#000\" d=\"");
	for (y = 0; y < qr->width; y++)
		qrsvg_row(b, qr, y);
	buf_addstr(b, "\"/></svg>");
	QRcode_free(qr);
	return b->err ? -1 : 0;
}
