/* CloudTrail record semantics. */
#include "config.h"

#include <string.h>

#include "ctevent.h"

/* errorCodes that mean the caller was refused, across the services. */
static const char *const ctevent_denied_codes[] = {
	"AccessDenied", "AccessDeniedException", "UnauthorizedOperation",
	"Client.UnauthorizedOperation", "AuthorizationError",
	"AuthorizationErrorException", "UnauthorizedException",
	"Forbidden", "AllAccessDisabled", "InvalidAccessKeyId",
	"SignatureDoesNotMatch", "ExpiredToken", "InvalidClientTokenId",
};

bool
ctevent_denied(const char *code)
{
	size_t i;

	if (code == NULL || *code == '\0')
		return false;
	/* AccessDenied, AccessDeniedException, AccessDenied.* */
	if (strncmp(code, "AccessDenied", 12) == 0)
		return true;
	for (i = 0; i < sizeof ctevent_denied_codes /
	    sizeof ctevent_denied_codes[0]; i++)
		if (strcmp(code, ctevent_denied_codes[i]) == 0)
			return true;
	return false;
}
