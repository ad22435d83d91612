"""SCIM 2.0 (RFC 7643/7644) as an HRIS source: users and managers from an identity provider."""
