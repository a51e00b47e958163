/* libFuzzer harness: the XML reader must reject or accept any bytes
 * without crashing, leaking or recursing without bound. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xml_node *x;
	char *cause = NULL;

	x = xml_parse((const char *)data, size, &cause);
	if (x != NULL) {
		(void)xml_text(x, "A/B/C");
		xml_free(x);
	}
	free(cause);
	return 0;
}
