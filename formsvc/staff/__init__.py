"""Staff: accounts and roles (reviewer, counter staff, administrator) and their sign-in."""
