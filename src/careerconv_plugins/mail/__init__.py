"""Mail: iMIP invitations (RFC 6047) and notices over SMTP, or notices as .eml files."""
