"""Who may do what: local accounts, roles, the sign-in throttle and the signed session
cookie."""
