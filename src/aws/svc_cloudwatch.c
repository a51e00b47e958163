/* Amazon CloudWatch operations (query protocol). */
#include "config.h"

#include "svc_internal.h"

static bool
cloudwatch_name_ok(const char *name, char **cause)
{
	size_t n;

	if (!svc_need(name, "CloudWatch dashboard name", cause))
		return false;
	n = strlen(name);
	if (n > 255 || strspn(name, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") != n) {
		*cause = xasprintf("CloudWatch dashboard name '%s' must be 1 to "
		    "255 letters, digits, '-' or '_'", name);
		return false;
	}
	return true;
}

struct aws_request *
cloudwatch_put_dashboard(const char *name, const char *body, char **cause)
{
	struct aws_request *r;

	if (!cloudwatch_name_ok(name, cause) ||
	    !svc_need_json(body, "CloudWatch dashboard body", cause))
		return NULL;
	r = aws_request_new(SVC_CLOUDWATCH, "PutDashboard");
	kv_add(&r->params, "DashboardName", name);
	kv_add(&r->params, "DashboardBody", body);
	return r;
}

struct aws_request *
cloudwatch_get_dashboard(const char *name, char **cause)
{
	struct aws_request *r;

	/* Only a name: existing dashboards are looked up as they are. */
	if (!svc_need(name, "CloudWatch dashboard name", cause))
		return NULL;
	r = aws_request_new(SVC_CLOUDWATCH, "GetDashboard");
	kv_add(&r->params, "DashboardName", name);
	return r;
}

struct aws_request *
cloudwatch_delete_dashboards(char *const *names, size_t n, char **cause)
{
	struct aws_request *r;
	size_t i;

	if (n == 0)
		return svc_invalid(cause, "DeleteDashboards: no dashboard names");
	for (i = 0; i < n; i++)
		if (!svc_need(names[i], "CloudWatch dashboard name", cause))
			return NULL;
	r = aws_request_new(SVC_CLOUDWATCH, "DeleteDashboards");
	for (i = 0; i < n; i++)
		svc_param_member(r, "DashboardNames", i, NULL, names[i]);
	return r;
}

struct aws_request *
cloudwatch_list_dashboards(const char *prefix, const char *token)
{
	struct aws_request *r = aws_request_new(SVC_CLOUDWATCH,
	    "ListDashboards");

	if (!svc_empty(prefix))
		kv_add(&r->params, "DashboardNamePrefix", prefix);
	if (!svc_empty(token))
		kv_add(&r->params, "NextToken", token);
	return r;
}

/* --- answers ------------------------------------------------------------ */

int
cloudwatch_put_dashboard_parse(struct aws_response *resp,
    struct cloudwatch_validations *l, char **cause)
{
	const struct xml_node *msgs, *m;
	struct cloudwatch_validation *v;

	memset(l, 0, sizeof *l);
	if (svc_check(resp, "PutDashboard", cause) != 0)
		return -1;
	/* Absent when there is nothing to say. */
	msgs = xml_find(svc_xml_result(resp), "DashboardValidationMessages");
	for (m = msgs != NULL ? msgs->child : NULL; m != NULL; m = m->next) {
		v = xpush(&l->v, &l->n, sizeof *l->v);
		v->data_path = svc_xml_dup(m, "DataPath");
		v->message = svc_xml_dup(m, "Message");
	}
	return 0;
}

void
cloudwatch_validations_free(struct cloudwatch_validations *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].data_path);
		free(l->v[i].message);
	}
	free(l->v);
	memset(l, 0, sizeof *l);
}

int
cloudwatch_get_dashboard_parse(struct aws_response *resp,
    struct cloudwatch_dashboard *d, char **cause)
{
	const struct xml_node *res;

	memset(d, 0, sizeof *d);
	if (svc_check(resp, "GetDashboard", cause) != 0)
		return -1;
	res = svc_xml_result(resp);
	if ((d->body = svc_xml_dup(res, "DashboardBody")) == NULL)
		return svc_lacks("GetDashboard", "DashboardBody", cause);
	d->name = svc_xml_dup(res, "DashboardName");
	d->arn = svc_xml_dup(res, "DashboardArn");
	return 0;
}

void
cloudwatch_dashboard_free(struct cloudwatch_dashboard *d)
{
	free(d->name);
	free(d->arn);
	free(d->body);
	memset(d, 0, sizeof *d);
}

int
cloudwatch_list_dashboards_parse(struct aws_response *resp,
    struct cloudwatch_dashboards *l, char **cause)
{
	const struct xml_node *res, *entries, *m;
	struct cloudwatch_dashboard_entry *e;
	const char *size;

	memset(l, 0, sizeof *l);
	if (svc_check(resp, "ListDashboards", cause) != 0)
		return -1;
	res = svc_xml_result(resp);
	if ((entries = xml_find(res, "DashboardEntries")) == NULL)
		return svc_lacks("ListDashboards", "DashboardEntries", cause);
	for (m = entries->child; m != NULL; m = m->next) {
		e = xpush(&l->v, &l->n, sizeof *l->v);
		e->name = svc_xml_dup(m, "DashboardName");
		e->arn = svc_xml_dup(m, "DashboardArn");
		e->modified = svc_iso8601(xml_text(m, "LastModified"));
		if ((size = xml_text(m, "Size")) != NULL)
			e->size = strtoll(size, NULL, 10);
	}
	l->next_token = svc_xml_dup(res, "NextToken");
	return 0;
}

void
cloudwatch_dashboards_free(struct cloudwatch_dashboards *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].arn);
	}
	free(l->v);
	free(l->next_token);
	memset(l, 0, sizeof *l);
}
