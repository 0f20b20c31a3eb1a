package io.modelhub.responses;

import io.modelhub.api.ApiException;
import io.modelhub.store.Store;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Stored Responses in the hub's database (table of {@code V8__responses.sql}), the same SQL on SQLite and
 * PostgreSQL, so that a conversation continues ({@code previous_response_id}) on whichever node gets the
 * next turn. Every read is by id and owner: a response made by another key is not found.
 */
final class ResponseStore {
    /** One stored response: the Response object and the input context, both as JSON text. */
    record Stored(String id, String ownerKeyId, String model, String status, long createdAt,
                  String inputItems, String response) {}

    private final Store store;

    ResponseStore(Store store) {
        this.store = store;
    }

    void save(Stored s, String previousResponseId) {
        try (Connection c = store.connection(); PreparedStatement p = c.prepareStatement(
                "INSERT INTO responses (id, owner_key_id, owner_user_id, model, status, previous_response_id, created_at, input_items, response)"
                        + " VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?)")) {
            p.setString(1, s.id());
            p.setString(2, s.ownerKeyId());
            p.setString(3, s.model());
            p.setString(4, s.status());
            p.setString(5, previousResponseId);
            p.setLong(6, s.createdAt());
            p.setString(7, s.inputItems());
            p.setString(8, s.response());
            p.executeUpdate();
        } catch (SQLException e) {
            throw failed("store a response", e);
        }
    }

    /** The response {@code id} if {@code ownerKeyId} made it. */
    Optional<Stored> find(String id, String ownerKeyId) {
        try (Connection c = store.connection(); PreparedStatement p = c.prepareStatement(
                "SELECT id, owner_key_id, model, status, created_at, input_items, response FROM responses WHERE id = ? AND owner_key_id = ?")) {
            p.setString(1, id);
            p.setString(2, ownerKeyId);
            try (ResultSet rs = p.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Stored(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getLong(5), rs.getString(6), rs.getString(7)));
            }
        } catch (SQLException e) {
            throw failed("read a response", e);
        }
    }

    /** Deletes the response {@code id} if {@code ownerKeyId} made it; false when there was none. */
    boolean delete(String id, String ownerKeyId) {
        try (Connection c = store.connection(); PreparedStatement p = c.prepareStatement(
                "DELETE FROM responses WHERE id = ? AND owner_key_id = ?")) {
            p.setString(1, id);
            p.setString(2, ownerKeyId);
            return p.executeUpdate() > 0;
        } catch (SQLException e) {
            throw failed("delete a response", e);
        }
    }

    private static ApiException failed(String what, SQLException e) {
        // The SQL error stays in the server's view: its text can carry table and connection details.
        System.getLogger("io.modelhub.responses").log(System.Logger.Level.ERROR, "could not " + what, e);
        return ApiException.internal("The hub could not " + what + ": its database did not answer.");
    }
}
