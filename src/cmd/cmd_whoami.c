/* s3watch whoami: who AWS thinks we are, and how we got there. */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "text.h"
#include "creds.h"
#include "loop.h"
#include "xml.h"

struct whoami_creds {
	bool		 done;
	char		*source;
	char		*key;		/* masked */
	char		*error;
};

static void
whoami_on_creds(const struct creds *cr, const char *error, void *arg)
{
	struct whoami_creds *w = arg;
	size_t n;

	w->done = true;
	if (cr == NULL) {
		w->error = xstrdup(error != NULL ? error : "no credentials");
		return;
	}
	w->source = xstrdup(cr->source != NULL ? cr->source : "unknown");
	n = strlen(cr->access_key);
	/* The access key id is not secret, but show only enough to recognise it. */
	w->key = n > 8 ? xasprintf("%.4s...%s", cr->access_key,
	    cr->access_key + n - 4) : xstrdup("****");
}

struct cmd_whoami_opts {
	bool	json;
};

static int
cmd_whoami(void *opts, int argc, char **argv, const struct cmd_globals *g)
{
	struct cmd_whoami_opts *wo = opts;
	struct whoami_creds w = { false, NULL, NULL, NULL };
	struct aws_client *c;
	struct aws_response *resp;
	struct json_object *o;
	const char *src, *url;
	int rc = EXIT_OK;

	(void)argc;
	(void)argv;
	if ((c = cmd_client("whoami", g)) == NULL)
		return EXIT_CONFIG;
	creds_chain_get(aws_client_creds(c), whoami_on_creds, &w);
	loop_run_until(aws_client_loop(c), &w.done);
	if (w.error != NULL) {
		rc = cmd_error("whoami", EXIT_CONFIG, "%s", w.error);
		goto out;
	}
	resp = aws_call(c, aws_request_new(SVC_STS, "GetCallerIdentity"));
	if (resp->kind != AWS_OK) {
		rc = cmd_error("whoami", resp->kind == AWS_ERR_CREDENTIALS ?
		    EXIT_CONFIG : EXIT_FAIL, "sts GetCallerIdentity: %s",
		    aws_error_text(resp));
		aws_response_free(resp);
		goto out;
	}
	url = aws_client_endpoint(c, SVC_STS, &src);
	/* A 200 without the identity is not an answer (a proxy, a captive
	 * portal): say so rather than print blanks. */
	if (xml_text(resp->xml, "GetCallerIdentityResult/Account") == NULL) {
		rc = cmd_error("whoami", EXIT_FAIL, "sts GetCallerIdentity: the "
		    "answer (HTTP %ld, %zu bytes) has no Account", resp->status,
		    resp->body.len);
		aws_response_free(resp);
		goto out;
	}
#define WHOAMI_FIELD(x) xml_text(resp->xml, "GetCallerIdentityResult/" x)
	if (wo->json) {
		o = json_object_new_object();
		json_object_object_add(o, "Account", json_object_new_string(
		    WHOAMI_FIELD("Account") ? WHOAMI_FIELD("Account") : ""));
		json_object_object_add(o, "Arn", json_object_new_string(
		    WHOAMI_FIELD("Arn") ? WHOAMI_FIELD("Arn") : ""));
		json_object_object_add(o, "UserId", json_object_new_string(
		    WHOAMI_FIELD("UserId") ? WHOAMI_FIELD("UserId") : ""));
		json_object_object_add(o, "Region",
		    json_object_new_string(aws_client_region(c)));
		json_object_object_add(o, "Profile",
		    json_object_new_string(aws_client_profile(c)));
		json_object_object_add(o, "Endpoint", json_object_new_string(url));
		json_object_object_add(o, "EndpointSource", json_object_new_string(src));
		json_object_object_add(o, "Credentials",
		    json_object_new_string(w.source));
		json_object_object_add(o, "AccessKey", json_object_new_string(w.key));
		printf("%s\n", json_object_to_json_string_ext(o,
		    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
	} else {
		const char *v[8] = { WHOAMI_FIELD("Account"), WHOAMI_FIELD("Arn"),
		    WHOAMI_FIELD("UserId"), aws_client_region(c),
		    aws_client_profile(c), url, w.source, w.key };
		static const char *const label[8] = { "Account:", "Arn:",
		    "UserId:", "Region:", "Profile:", "Endpoint:",
		    "Credentials:", "Access key:" };
		char *safe;
		int i;

		/* Everything here may come from files or answers. */
		for (i = 0; i < 8; i++) {
			safe = text_safe_str(v[i]);
			printf("%-12s %s%s%s%s\n", label[i], safe, i == 5 ?
			    " (" : "", i == 5 ? src : "", i == 5 ? ")" : "");
			free(safe);
		}
	}
#undef WHOAMI_FIELD
	aws_response_free(resp);
out:
	free(w.source);
	free(w.key);
	free(w.error);
	cmd_client_free(c);
	return rc;
}

static const struct cmd_option cmd_whoami_options[] = {
	{ .name = "json", .type = CMD_O_FLAG,
	  .off = offsetof(struct cmd_whoami_opts, json), .flags = CMD_O_BRIEF,
	  .help = "print one JSON object" },
	{ .name = NULL }
};

const struct cmd_entry cmd_whoami_entry = {
	.name = "whoami",
	.help = "the resolved identity, region, endpoint and credential "
	    "source",
	.doc = "Prints the account, ARN and user id that AWS reports (STS "
	    "GetCallerIdentity), with the region, the profile, the endpoint "
	    "and where it came from, the credential source and the access "
	    "key id, shortened.",
	.options = cmd_whoami_options,
	.opts_size = sizeof(struct cmd_whoami_opts),
	.run = cmd_whoami,
};
