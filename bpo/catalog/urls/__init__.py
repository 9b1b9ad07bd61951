"""Routes of the catalog, one module per area (service lines, scripts, escalations); each
defines ``pages`` (mounted under ``/c/<client_slug>/``, namespace ``client``) and ``api``
(under ``/api/v1/clients/<client_slug>/``, namespace ``api``)."""
