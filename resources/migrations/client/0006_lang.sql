-- Failed logins are counted per typed user name, whether or not such a user exists, so an
-- unknown name and a wrong password get the same answer and the same lock: names cannot be
-- probed. The counters of app_user move here (its columns stay, unused, for older builds).
CREATE TABLE login_attempt (
    username      TEXT PRIMARY KEY COLLATE NOCASE,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  TEXT
);

INSERT INTO login_attempt (username, failed_logins, locked_until)
SELECT username, failed_logins, locked_until FROM app_user
WHERE failed_logins > 0 OR locked_until IS NOT NULL;
