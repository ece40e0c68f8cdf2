"""Operability: probes, request ids, JSON logs, metrics, Content-Security-Policy, error reporting.

Nothing here imports a role app; the service gauges (``metrics``) read ``cases`` and
``notifications`` models at scrape time only.
"""
