"""moto's server for the s3watch sandbox: `python -m moto.server` with moto's
own S3 access logging turned off.

moto writes a fake log object (a fixed template, not S3's format) for every
request to a bucket with logging on; the sandbox proxy writes real ones
(s3accesslog.py). moto still stores and validates the logging configuration.
Arguments are moto.server's (-H HOST -p PORT ...).
"""

import moto.s3.models
import moto.server


def no_access_log(self, request, bucket_name):
    """S3Backend.log_incoming_request, replaced: the proxy logs instead."""


moto.s3.models.S3Backend.log_incoming_request = no_access_log

if __name__ == "__main__":
    moto.server.main()
