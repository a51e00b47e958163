/* Asynchronous HTTP/1.1 over the loop's curl multi handle.  TLS peers are
 * always verified; the only knob is the CA bundle. */
#ifndef S3W_HTTP_H
#define S3W_HTTP_H

#include <stdbool.h>

#include "buf.h"
#include "kv.h"

struct loop;
struct http_xfer;

#define HTTP_MAX_BODY	(64u * 1024 * 1024)	/* larger responses are an error */

struct http_request {
	const char	*method;
	const char	*url;
	const struct kv	*headers;		/* sent as given, nothing added but Host */
	const void	*body;
	size_t		 body_len;
	long		 timeout_ms;		/* whole transfer; 0: 60 s */
	long		 connect_timeout_ms;	/* 0: 10 s */
	const char	*ca_bundle;		/* NULL: system store */
};

/* Owned by the transfer; valid only during the callback. */
struct http_response {
	long		 status;		/* 0 when no response arrived */
	struct kv	 headers;
	struct buf	 body;
	int		 curl_code;		/* CURLE_OK or the transport error */
	const char	*error;			/* transport error text, or NULL */
	bool		 timed_out;
};

typedef void (*http_done_fn)(struct http_response *, void *arg);

/* The request is copied; done() is always called exactly once, later, from
 * the loop (never from inside http_start).  A header with a control
 * character (but a tab in a value) is never sent: done() gets an error
 * and curl_code CURLE_BAD_FUNCTION_ARGUMENT. */
struct http_xfer *http_start(struct loop *, const struct http_request *,
		    http_done_fn, void *arg);
/* Cancels a transfer that has not completed; done() is not called. */
void		 http_cancel(struct http_xfer *);

#endif
