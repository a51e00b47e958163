/* libFuzzer harness: the shared config reader on arbitrary file content,
 * used both as ~/.aws/config and as ~/.aws/credentials. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "awsconf.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/s3watch-fuzz-XXXXXX";
	struct awsconf *c;
	char *cause = NULL;
	int fd;

	if ((fd = mkstemp(path)) < 0)
		return 0;
	if (write(fd, data, size) == (ssize_t)size) {
		c = awsconf_load_files(path, path, &cause);
		if (c != NULL) {
			(void)awsconf_get(c, "default", "region");
			(void)awsconf_get_sub(c, "default", "s3", "addressing_style");
			awsconf_free(c);
		}
		free(cause);
	}
	close(fd);
	unlink(path);
	return 0;
}
