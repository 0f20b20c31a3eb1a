package io.modelhub.users;

import java.util.Map;

/** The users contract on the embedded SQLite store. */
class UsersOnSqliteTest extends UsersApiContract {
    @Override
    Map<String, String> env() {
        return Map.of();
    }
}
