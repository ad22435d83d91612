pytest_plugins = ["servers.fixtures", "servers.scim_fixtures", "servers.postgres_fixtures"]
