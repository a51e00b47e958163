/* Amazon CloudWatch operations (query protocol): dashboards and metric
 * alarms. */
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

/* --- metric alarms ----------------------------------------------------- */

static bool
cloudwatch_alarm_name_ok(const char *name, char **cause)
{
	if (!svc_need(name, "CloudWatch alarm name", cause))
		return false;
	if (strlen(name) > 255) {
		*cause = xasprintf("CloudWatch alarm name '%s' is longer than "
		    "255 characters", name);
		return false;
	}
	return true;
}

struct aws_request *
cloudwatch_put_metric_alarm(const struct cloudwatch_alarm_spec *s,
    char **cause)
{
	struct aws_request *r;
	char num[64];
	size_t i;

	if (!cloudwatch_alarm_name_ok(s->name, cause) ||
	    !svc_need(s->query, "alarm query", cause) ||
	    !svc_need(s->comparison, "alarm comparison", cause))
		return NULL;
	if (s->period != 10 && s->period != 30 &&
	    (s->period <= 0 || s->period % 60 != 0))
		return svc_invalid(cause, "alarm %s: a period of %d s is not 10, "
		    "30 or a multiple of 60", s->name, s->period);
	if (s->evaluation_periods < 1 || s->datapoints < 0 ||
	    s->datapoints > s->evaluation_periods)
		return svc_invalid(cause, "alarm %s: %d of %d evaluation periods",
		    s->name, s->datapoints, s->evaluation_periods);
	r = aws_request_new(SVC_CLOUDWATCH, "PutMetricAlarm");
	kv_add(&r->params, "AlarmName", s->name);
	if (!svc_empty(s->description))
		kv_add(&r->params, "AlarmDescription", s->description);
	kv_add(&r->params, "ActionsEnabled", "true");
	for (i = 0; i < s->nactions; i++)
		svc_param_member(r, "AlarmActions", i, NULL, s->actions[i]);
	svc_param_member(r, "Metrics", 0, "Id", "q1");
	svc_param_member(r, "Metrics", 0, "Expression", s->query);
	snprintf(num, sizeof num, "%d", s->period);
	svc_param_member(r, "Metrics", 0, "Period", num);
	svc_param_member(r, "Metrics", 0, "ReturnData", "true");
	snprintf(num, sizeof num, "%d", s->evaluation_periods);
	kv_add(&r->params, "EvaluationPeriods", num);
	snprintf(num, sizeof num, "%d", s->datapoints > 0 ? s->datapoints :
	    s->evaluation_periods);
	kv_add(&r->params, "DatapointsToAlarm", num);
	snprintf(num, sizeof num, "%.17g", s->threshold);
	kv_add(&r->params, "Threshold", num);
	kv_add(&r->params, "ComparisonOperator", s->comparison);
	if (!svc_empty(s->missing))
		kv_add(&r->params, "TreatMissingData", s->missing);
	return r;
}

struct aws_request *
cloudwatch_describe_alarms(const char *prefix, const char *token)
{
	struct aws_request *r = aws_request_new(SVC_CLOUDWATCH,
	    "DescribeAlarms");

	if (!svc_empty(prefix))
		kv_add(&r->params, "AlarmNamePrefix", prefix);
	svc_param_member(r, "AlarmTypes", 0, NULL, "MetricAlarm");
	if (!svc_empty(token))
		kv_add(&r->params, "NextToken", token);
	return r;
}

struct aws_request *
cloudwatch_delete_alarms(char *const *names, size_t n, char **cause)
{
	struct aws_request *r;
	size_t i;

	if (n == 0 || n > 100)
		return svc_invalid(cause, "DeleteAlarms: %zu alarm names (1 to "
		    "100)", n);
	for (i = 0; i < n; i++)
		if (!cloudwatch_alarm_name_ok(names[i], cause))
			return NULL;
	r = aws_request_new(SVC_CLOUDWATCH, "DeleteAlarms");
	for (i = 0; i < n; i++)
		svc_param_member(r, "AlarmNames", i, NULL, names[i]);
	return r;
}

int
cloudwatch_describe_alarms_parse(struct aws_response *resp,
    struct cloudwatch_alarms *l, char **cause)
{
	const struct xml_node *res, *list, *m, *q, *a;
	struct cloudwatch_alarm *e;
	const char *v;

	memset(l, 0, sizeof *l);
	if (svc_check(resp, "DescribeAlarms", cause) != 0)
		return -1;
	res = svc_xml_result(resp);
	if ((list = xml_find(res, "MetricAlarms")) == NULL)
		return svc_lacks("DescribeAlarms", "MetricAlarms", cause);
	for (m = list->child; m != NULL; m = m->next) {
		e = xpush(&l->v, &l->n, sizeof *l->v);
		e->name = svc_xml_dup(m, "AlarmName");
		e->arn = svc_xml_dup(m, "AlarmArn");
		e->description = svc_xml_dup(m, "AlarmDescription");
		e->comparison = svc_xml_dup(m, "ComparisonOperator");
		e->missing = svc_xml_dup(m, "TreatMissingData");
		e->state = svc_xml_dup(m, "StateValue");
		e->actions_enabled = svc_xml_bool(m, "ActionsEnabled");
		if ((v = xml_text(m, "Threshold")) != NULL)
			e->threshold = strtod(v, NULL);
		if ((v = xml_text(m, "EvaluationPeriods")) != NULL)
			e->evaluation_periods = (int)strtol(v, NULL, 10);
		if ((v = xml_text(m, "DatapointsToAlarm")) != NULL)
			e->datapoints = (int)strtol(v, NULL, 10);
		if ((q = xml_find(m, "Metrics")) != NULL && q->child != NULL) {
			e->query = svc_xml_dup(q->child, "Expression");
			if ((v = xml_text(q->child, "Period")) != NULL)
				e->period = (int)strtol(v, NULL, 10);
		}
		if ((a = xml_find(m, "AlarmActions")) != NULL)
			for (a = a->child; a != NULL; a = a->next)
				*(char **)xpush(&e->actions, &e->nactions,
				    sizeof *e->actions) = xstrdup(a->text);
	}
	l->next_token = svc_xml_dup(res, "NextToken");
	return 0;
}

void
cloudwatch_alarms_free(struct cloudwatch_alarms *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].arn);
		free(l->v[i].description);
		free(l->v[i].query);
		free(l->v[i].comparison);
		free(l->v[i].missing);
		free(l->v[i].state);
		xstrv_free(l->v[i].actions, l->v[i].nactions);
	}
	free(l->v);
	free(l->next_token);
	memset(l, 0, sizeof *l);
}
