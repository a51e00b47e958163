/* Setup step 7: the alert topic, its policy and e-mail subscription, and
 * one EventBridge rule per stateless rule of the pack, each targeting the
 * topic.  See setup_internal.h for how these resumable operations work. */
#include "config.h"

#include "calls.h"
#include <strings.h>

#include "hash.h"
#include "policy.h"
#include "rules.h"
#include "setup_internal.h"

#define ALERTS_TARGET_ID	"s3watch-topic"
#define ALERTS_RULE_NAME_MAX	64	/* EventBridge's limit */

struct alert_rule {
	char			*name;		/* on EventBridge */
	char			*title;		/* its description */
	char			*pattern;
	struct setup_rule	 rule;		/* borrows the three */
};

struct alerts_facts {
	bool		 pack_ok;
	struct alert_rule *rules;
	size_t		 nrules;
	bool		 topic_found;
	char		*policy;
	char		*want_policy;
	long		 confirmed;	/* the topic's counters */
	long		 pending;
	long		 listed_confirmed; /* ListSubscriptionsByTopic's */
	long		 listed_pending;
	bool		 subscribed;	/* alert_email has a subscription */
	bool		 email_pending;	/* ... that is not confirmed yet */
	char		*token;		/* ListSubscriptionsByTopic's next page */
};

static void
alerts_facts_free(void *p)
{
	struct alerts_facts *f = p;
	size_t i;

	for (i = 0; i < f->nrules; i++) {
		free(f->rules[i].name);
		free(f->rules[i].title);
		free(f->rules[i].pattern);
	}
	free(f->rules);
	free(f->policy);
	free(f->want_policy);
	free(f->token);
}

/* --- the rule pack ------------------------------------------------------ */

/* rules_dir of s3watch.conf, else the shipped pack. */
static char *
alerts_rules_dir(struct setup_job *j)
{
	if (N(j)->rules_dir != NULL && *N(j)->rules_dir != '\0')
		return xstrdup(N(j)->rules_dir);
	return rules_default_dir();
}

static void
alerts_pack_error(const char *msg, void *arg)
{
	struct setup_job *j = arg;

	setup_note(j, SETUP_L_WARN, NULL, "fix the rule pack (s3watch pattern "
	    "check)", "rule pack: %s (skipped)", msg);
}

/* EventBridge allows 64 of [.\-_A-Za-z0-9]: other characters become '-',
 * and a longer name keeps its start and a hash of the whole. */
static char *
alerts_rule_name(const char *prefix, const char *id)
{
	char *s = xasprintf("%s%s", prefix, id), *p;
	uint64_t h;

	h = hash64(s, strlen(s));
	for (p = s; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && *p != '.' && *p != '-' &&
		    *p != '_')
			*p = '-';
	if (strlen(s) > ALERTS_RULE_NAME_MAX)
		snprintf(s + ALERTS_RULE_NAME_MAX - 9, 10, "-%08x",
		    (unsigned)(h & 0xffffffffu));
	return s;
}

/* The rule on EventBridge: the pack rule's pattern, its title as the
 * description, and the topic as its target. */
static void
alerts_rule_init(struct setup_job *j, struct alert_rule *ar)
{
	struct setup_rule *r = &ar->rule;

	r->spec.name = ar->name;
	r->spec.pattern = ar->pattern;
	r->spec.state = EVENTS_RULE_ENABLED;
	r->spec.description = ar->title;
	r->check_description = true;
	r->target.id = (char *)ALERTS_TARGET_ID;
	r->target.arn = N(j)->topic_arn;
}

/* The pack's stateless rules into f->rules; -1 (noted) when the pack
 * cannot be read. */
static int
alerts_pack_load(struct setup_job *j, struct alerts_facts *f)
{
	struct rules *r = rules_new();
	struct alert_rule *ar;
	char *dir = alerts_rules_dir(j), *cause = NULL;
	const char *pattern;
	size_t i;

	if (N(j)->nallowed_cidrs > 0 && rules_set_allowed_cidrs(r,
	    N(j)->allowed_cidrs, N(j)->nallowed_cidrs, &cause) != 0)
		goto fail;
	if (setup_rules_conf(j, r, &cause) != 0 ||
	    rules_load_dir(r, dir, alerts_pack_error, j, &cause) < 0)
		goto fail;
	for (i = 0; i < rules_count(r); i++) {
		if (rules_kind_of(r, i) != RULES_PATTERN ||
		    (pattern = rules_pattern_text(r, i)) == NULL)
			continue;
		ar = xpush(&f->rules, &f->nrules, sizeof *f->rules);
		ar->name = alerts_rule_name(N(j)->rule_prefix, rules_id(r, i));
		ar->title = xstrdup(rules_title(r, i) != NULL ?
		    rules_title(r, i) : rules_id(r, i));
		ar->pattern = xstrdup(pattern);
		alerts_rule_init(j, ar);
	}
	f->pack_ok = true;
	rules_free(r);
	free(dir);
	return 0;

fail:
	setup_note(j, SETUP_L_FAIL, "P-07", "set rules_dir in s3watch.conf or "
	    "S3WATCH_RULES_DIR", "rule pack %s: %s", dir, cause);
	free(cause);
	rules_free(r);
	free(dir);
	return -1;
}

static char *
alerts_topic_policy(struct setup_job *j)
{
	char *like, *p;

	/* Every rule of ours, the analyser's included, shares the prefix. */
	like = xasprintf("arn:%s:events:%s:%s:rule/%s*", N(j)->partition,
	    N(j)->region, N(j)->account, N(j)->rule_prefix);
	p = policy_topic(N(j)->topic_arn, N(j)->account, like);
	free(like);
	return p;
}

static bool
alerts_rule_ok(const struct alert_rule *ar)
{
	return setup_rule_ok(&ar->rule) && ar->rule.target_ok;
}

/* What differs, for a rule that is there. */
static const char *
alerts_rule_differs(const struct alert_rule *ar)
{
	const struct events_rule_match *m = &ar->rule.seen;

	return !m->pattern ? "has another pattern than the pack's" :
	    !m->state ? "is not enabled" : !ar->rule.target_ok ?
	    "does not target the topic" : "has another description";
}

static bool
alerts_email_wanted(struct setup_job *j)
{
	return N(j)->alert_email != NULL && *N(j)->alert_email != '\0';
}

/* --- check ------------------------------------------------------------- */

static int
alerts_topic_seen(struct setup_job *j, struct alerts_facts *f)
{
	struct sns_attributes a;
	char *cause = NULL;
	const char *v;

	if (sns_get_topic_attributes_parse(j->resp, &a, &cause) != 0)
		return setup_fail_parse(j, cause);
	f->topic_found = true;
	f->policy = xstrdup_null(sns_attribute(&a, "Policy"));
	v = sns_attribute(&a, "SubscriptionsConfirmed");
	f->confirmed = v != NULL ? strtol(v, NULL, 10) : 0;
	v = sns_attribute(&a, "SubscriptionsPending");
	f->pending = v != NULL ? strtol(v, NULL, 10) : 0;
	sns_attributes_free(&a);
	return 0;
}

static int
alerts_subscriptions_seen(struct setup_job *j, struct alerts_facts *f)
{
	struct sns_subscriptions l;
	char *cause = NULL;
	size_t i;
	bool pending;

	if (sns_list_subscriptions_by_topic_parse(j->resp, &l, &cause) != 0)
		return setup_fail_parse(j, cause);
	for (i = 0; i < l.n; i++) {
		pending = l.v[i].arn != NULL && strcmp(l.v[i].arn,
		    "PendingConfirmation") == 0;
		if (pending)
			f->listed_pending++;
		else
			f->listed_confirmed++;
		if (alerts_email_wanted(j) && l.v[i].protocol != NULL &&
		    l.v[i].endpoint != NULL &&
		    strcmp(l.v[i].protocol, "email") == 0 &&
		    strcasecmp(l.v[i].endpoint, N(j)->alert_email) == 0) {
			f->subscribed = true;
			f->email_pending = pending;
		}
	}
	free(f->token);
	f->token = l.next_token;
	l.next_token = NULL;
	sns_subscriptions_free(&l);
	return 0;
}

static void
alerts_rules_noted(struct setup_job *j, const struct alerts_facts *f)
{
	size_t i, ok = 0, missing = 0;
	const struct alert_rule *r;

	for (i = 0; i < f->nrules; i++) {
		r = &f->rules[i];
		if (alerts_rule_ok(r))
			ok++;
		else if (!r->rule.seen.found)
			missing++;
		else
			setup_note(j, SETUP_L_DIFFERS, "P-07", NULL, "rule %s %s",
			    r->name, alerts_rule_differs(r));
	}
	if (missing > 0)
		setup_note(j, SETUP_L_MISSING, "P-07", NULL, "%zu of %zu "
		    "EventBridge rules (%s...) do not exist", missing,
		    f->nrules, N(j)->rule_prefix);
	if (ok > 0)
		setup_note(j, SETUP_L_OK, "P-07", NULL, "%zu of %zu EventBridge "
		    "rules are in place", ok, f->nrules);
}

static int
setup_alerts_check(struct setup_job *j)
{
	struct alerts_facts *f = setup_facts(j);

	SJ_BEGIN(j);
	f = setup_facts_new(j, sizeof *f, alerts_facts_free);
	f->want_policy = alerts_topic_policy(j);
	if (alerts_pack_load(j, f) != 0)
		return SJ_FAIL;
	SJ_READ(j, sns_get_topic_attributes(N(j)->topic_arn, &j->cause),
	    N(j)->topic);
	if (sj_code(j, "NotFound"))
		setup_note(j, SETUP_L_MISSING, "P-07", NULL, "there is no alert "
		    "topic %s", N(j)->topic);
	else if (alerts_topic_seen(j, f) != 0)
		return SJ_FAIL;
	else
		setup_note(j, f->policy == NULL ? SETUP_L_MISSING :
		    setup_json_same(f->policy, f->want_policy) ? SETUP_L_OK :
		    SETUP_L_DIFFERS, "P-07", NULL, "topic %s %s", N(j)->topic,
		    setup_json_same(f->policy, f->want_policy) ? "lets only "
		    "s3watch's rules of this account publish" : "does not let "
		    "EventBridge publish for s3watch's rules only");
	/* The counters lag behind on AWS and stay 0 on moto: the list is
	 * authoritative. */
	if (f->topic_found) {
		do {
			SJ_READ(j, sns_list_subscriptions_by_topic(
			    N(j)->topic_arn, f->token, &j->cause), N(j)->topic);
			if (alerts_subscriptions_seen(j, f) != 0)
				return SJ_FAIL;
		} while (f->token != NULL);
		if (f->listed_confirmed > f->confirmed)
			f->confirmed = f->listed_confirmed;
		if (f->listed_pending > f->pending)
			f->pending = f->listed_pending;
	}
	if (alerts_email_wanted(j))
		setup_note(j, f->subscribed ? SETUP_L_OK : SETUP_L_MISSING,
		    "P-07", NULL, "%s %s subscribed to the alerts%s",
		    N(j)->alert_email, f->subscribed ? "is" : "is not",
		    f->email_pending ? " (pending confirmation)" : "");
	for (j->i = 0; (size_t)j->i < f->nrules; j->i++)
		SJ_SUB(j, setup_rule_check(j, &f->rules[j->i].rule));
	alerts_rules_noted(j, f);
	SJ_END(j);
}

/* --- apply ------------------------------------------------------------- */

static int
setup_alerts_apply(struct setup_job *j)
{
	struct alerts_facts *f = setup_facts(j);
	struct sns_topic_spec spec = { 0 };
	struct svc_tag tag = { "created-by", "s3watch" };

	SJ_BEGIN(j);
	if (!f->topic_found) {
		spec.name = N(j)->topic;
		spec.tags = &tag;
		spec.ntags = 1;
		SJ_CREATE(j, "topic", N(j)->topic, N(j)->topic_arn,
		    sns_create_topic(&spec, &j->cause), NULL);
	}
	if (!setup_json_same(f->policy, f->want_policy)) {
		if (setup_policy_ours(j, f->topic_found, "topic", N(j)->topic,
		    "topic", "EventBridgePublishes statement", "topic") != 0)
			return SJ_FAIL;
		SJ_CREATE(j, "topic-policy", N(j)->topic, NULL,
		    sns_set_topic_attributes(N(j)->topic_arn, "Policy",
		    f->want_policy, &j->cause), NULL);
	}
	if (alerts_email_wanted(j) && !f->subscribed) {
		SJ_WRITE(j, sns_subscribe(N(j)->topic_arn, "email",
		    N(j)->alert_email, NULL, 0, &j->cause), N(j)->alert_email);
		if (!sj_ok(j))
			return setup_fail(j, NULL);
	}
	for (j->i = 0; (size_t)j->i < f->nrules; j->i++)
		SJ_SUB(j, setup_rule_apply(j, &f->rules[j->i].rule));
	SJ_END(j);
}

/* --- verify ------------------------------------------------------------- */

static int
setup_alerts_verify(struct setup_job *j)
{
	struct alerts_facts *f = setup_facts(j);
	const struct alert_rule *r;
	size_t i, ok = 0;
	long others;

	if (!f->pack_ok)
		return SJ_DONE;
	if (!f->topic_found) {
		setup_note(j, SETUP_L_FAIL, "P-07", "run s3watch setup --only 7",
		    "there is no alert topic %s", N(j)->topic);
		return SJ_DONE;
	}
	if (setup_json_same(f->policy, f->want_policy))
		setup_note(j, SETUP_L_PASS, "P-07", NULL, "EventBridge may "
		    "publish to %s only for rules %s* of this account (aws:"
		    "SourceArn, aws:SourceAccount)", N(j)->topic,
		    N(j)->rule_prefix);
	else
		setup_note(j, SETUP_L_FAIL, "P-07", "run s3watch setup --only 7",
		    "the topic's policy is not s3watch's: EventBridge alerts "
		    "may never arrive");
	for (i = 0; i < f->nrules; i++) {
		r = &f->rules[i];
		if (alerts_rule_ok(r)) {
			ok++;
			continue;
		}
		setup_note(j, SETUP_L_FAIL, "P-07", "run s3watch setup --only 7",
		    "rule %s %s", r->name, !r->rule.seen.found ? "is missing" :
		    alerts_rule_differs(r));
	}
	if (ok > 0 && ok == f->nrules)
		setup_note(j, SETUP_L_PASS, "P-07", NULL, "all %zu rules are "
		    "enabled with the pack's patterns and target the topic", ok);
	/* The caller-IP rule is only as good as the networks it is told. */
	if (setup_default_cidrs(j))
		setup_note(j, SETUP_L_WARN, "P-07", "run s3watch setup --yes "
		    "on a terminal (it asks), or set allowed_cidrs in "
		    "s3watch.conf", "allowed_cidrs is the shipped default (the "
		    "private ranges), which no one chose: the caller-IP rule "
		    "may report every S3 call, or none");
	else if (f->nrules == 0)
		setup_note(j, SETUP_L_WARN, "P-07", "check rules_dir",
		    "the rule pack has no stateless rules to deploy");
	/* AWS mails a link; until it is followed, nothing reaches the
	 * address, and after 3 days the subscription is dropped. */
	others = f->pending - (f->email_pending ? 1 : 0);
	if (f->email_pending)
		setup_note(j, SETUP_L_WARN, "P-07", "follow the link in the "
		    "e-mail AWS Notifications sent there; it expires after 3 "
		    "days, then run s3watch setup again for a new one",
		    "%s has not confirmed its subscription yet: alerts reach "
		    "it only once it does", N(j)->alert_email);
	if (f->confirmed >= 1 && f->pending == 0)
		setup_note(j, SETUP_L_PASS, "P-07", NULL, "the topic has %ld "
		    "confirmed subscription%s and none pending", f->confirmed,
		    f->confirmed == 1 ? "" : "s");
	else if (others > 0)
		setup_note(j, SETUP_L_WARN, "P-07", "follow the link in the "
		    "confirmation e-mail from AWS Notifications", "%ld %s"
		    "subscription%s of the topic %s not confirmed", others,
		    f->email_pending ? "other " : "", others == 1 ? "" : "s",
		    others == 1 ? "is" : "are");
	else if (f->email_pending)
		;	/* noted above */
	else if (alerts_email_wanted(j))
		setup_note(j, SETUP_L_FAIL, "P-07", "run s3watch setup --only 7",
		    "the topic has no confirmed subscription: alerts reach no "
		    "one");
	else
		setup_note(j, SETUP_L_WARN, "P-07", "set alert_email in "
		    "s3watch.conf, or subscribe to the topic", "the topic has "
		    "no subscriber: alerts reach no one");
	return SJ_DONE;
}

/* --- teardown ----------------------------------------------------------- */

static int
setup_alerts_undo(struct setup_job *j)
{
	struct alerts_facts *f = setup_facts(j);

	SJ_BEGIN(j);
	f = setup_facts_new(j, sizeof *f, alerts_facts_free);
	/* The pack names the rules; without it they stay (noted). */
	if (alerts_pack_load(j, f) != 0)
		setup_note(j, SETUP_L_WARN, NULL, "set rules_dir and run "
		    "s3watch teardown again", "the EventBridge rules %s* are "
		    "kept: the rule pack cannot be read", N(j)->rule_prefix);
	for (j->i = 0; (size_t)j->i < f->nrules; j->i++)
		SJ_SUB(j, setup_rule_undo(j, &f->rules[j->i].rule));
	/* A topic we did not make keeps the policy we wrote: AWS has no way
	 * back to the one it had. */
	if (setup_owned(j, "topic-policy", N(j)->topic) &&
	    !setup_owned(j, "topic", N(j)->topic))
		setup_note(j, SETUP_L_WARN, NULL, "remove the "
		    "EventBridgePublishes statement by hand", "kept the policy "
		    "s3watch wrote on the topic %s", N(j)->topic);
	if (setup_forget(j, "topic-policy", N(j)->topic) != 0)
		return SJ_FAIL;
	/* Deleting the topic also deletes its subscriptions. */
	SJ_DELETE(j, "topic", N(j)->topic, sns_delete_topic(N(j)->topic_arn,
	    &j->cause), "NotFound");
	SJ_END(j);
}

static const struct calls_entry alerts_calls[] = {
	{ SVC_SNS, "GetTopicAttributes", CALLS_READ, "${topic_arn}",
	  "read the topic and its policy" },
	{ SVC_SNS, "ListSubscriptionsByTopic", CALLS_READ, "${topic_arn}",
	  "is the e-mail subscribed" },
	SETUP_RULE_CALLS,
	{ SVC_SNS, "CreateTopic", CALLS_APPLY, "${topic_arn}",
	  "create the topic" },
	{ SVC_SNS, "SetTopicAttributes", CALLS_APPLY, "${topic_arn}",
	  "let EventBridge publish to it" },
	{ SVC_SNS, "Subscribe", CALLS_APPLY, "${topic_arn}",
	  "subscribe alert_email" },
	{ SVC_SNS, "DeleteTopic", CALLS_UNDO, "${topic_arn}", "teardown" },
	{ .op = NULL }
};
const struct setup_step setup_step_alerts = {
	.name = "alerts",
	.title = "EventBridge rules and SNS topic",
	.why = "Creates the alert topic, whose policy lets EventBridge "
	    "publish only for s3watch's rules (without that, alerts never "
	    "arrive), an optional e-mail subscription, and one EventBridge "
	    "rule per stateless rule of the pack, each targeting the topic.",
	.check = setup_alerts_check,
	.apply = setup_alerts_apply,
	.verify = setup_alerts_verify,
	.undo = setup_alerts_undo,
	.calls = alerts_calls,
};
