/* The shared AWS files, ~/.aws/config and ~/.aws/credentials, read with
 * inih.  Honours AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE.  A
 * missing file is empty; a malformed one is an error naming file and line. */
#ifndef S3W_AWSCONF_H
#define S3W_AWSCONF_H

#include <stdbool.h>

struct awsconf;

/* Returns NULL with *cause ("FILE:LINE: reason", caller frees) on error. */
struct awsconf	*awsconf_load(char **cause);
/* Parses explicit paths (NULL: the file is absent); for tests and fuzzing. */
struct awsconf	*awsconf_load_files(const char *config_path,
		    const char *credentials_path, char **cause);
void		 awsconf_free(struct awsconf *);

/* A profile setting, or NULL. For a key present in both files the
 * credentials file wins, as in the SDKs. The profile "default" is
 * "[default]" in both files; others are "[profile NAME]" in config and
 * "[NAME]" in credentials. Key names are compared case-insensitively. */
const char	*awsconf_get(const struct awsconf *, const char *profile,
		    const char *key);
/* A key of a nested section, e.g. profile "dev", "s3", "addressing_style". */
const char	*awsconf_get_sub(const struct awsconf *, const char *profile,
		    const char *key, const char *subkey);
/* A key of another section kind: "sso-session", "services". */
const char	*awsconf_get_section(const struct awsconf *, const char *kind,
		    const char *name, const char *key);
const char	*awsconf_get_section_sub(const struct awsconf *, const char *kind,
		    const char *name, const char *key, const char *subkey);
bool		 awsconf_has_profile(const struct awsconf *, const char *profile);
/* Whether "[KIND NAME]" is in the config file, e.g. "sso-session", "x". */
bool		 awsconf_has_section(const struct awsconf *, const char *kind,
		    const char *name);
/* The paths that were read (or would have been, when absent); NULL when
 * awsconf_load_files() was given NULL. */
const char	*awsconf_config_path(const struct awsconf *);
const char	*awsconf_credentials_path(const struct awsconf *);
/* A leading "~" or "~user" expanded as the shell does; caller frees.
 * NULL when the home directory is unknown. */
char		*awsconf_expand_path(const char *path);
/* The file a profile setting came from, for error messages. */
const char	*awsconf_source(const struct awsconf *, const char *profile,
		    const char *key);

#endif
