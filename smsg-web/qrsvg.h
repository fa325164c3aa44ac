/*
 * QR codes as inline SVG, for TOTP enrolment.  The only markup smsg-web
 * emits unescaped, and it is generated here from the module matrix: the
 * encoded text never appears in it.
 */
#ifndef SMSG_WEB_QRSVG_H
#define SMSG_WEB_QRSVG_H

#define QRSVG_MAXTEXT	1024		/* longest text encoded */

struct buf;

int	qrsvg_render(struct buf *, const char *);

#endif
