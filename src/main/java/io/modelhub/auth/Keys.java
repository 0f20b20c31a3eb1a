package io.modelhub.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import io.modelhub.config.ConfigException;
import io.modelhub.api.ApiException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The API keys of the hub: creates, verifies, edits and revokes them. Verified keys are served from a
 * Caffeine cache so that checking a key costs no database read; an edit or revocation drops the cached
 * copy on every node at once (through the {@link RevocationBus}), and revocation and expiry are checked
 * on every hit. An id the store does not know is remembered as unknown for a few seconds, so that probing
 * with made-up ids costs no store read each; creating a key clears that on every node (it is announced on the
 * same bus), and the short life of the entry bounds it where nodes share no bus. Last-used times are
 * gathered in memory and written at most once a minute.
 */
public final class Keys implements AutoCloseable {
    /** How long a cached key is trusted without a revocation message; bounds staleness across nodes without Redis. */
    static final Duration CACHE_TTL = Duration.ofSeconds(30);
    /** How long an id the store does not know is answered 401 without asking the store again. */
    static final Duration UNKNOWN_TTL = Duration.ofSeconds(5);
    private static final long TOUCH_EVERY_SECONDS = 60;

    private final System.Logger log = System.getLogger("io.modelhub.auth");
    private final KeyStore store;
    private final RevocationBus bus;
    private final SecureRandom random = new SecureRandom();
    private final LoadingCache<String, KeyRecord> cache;
    private final Cache<String, Boolean> unknown = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(UNKNOWN_TTL).build();
    private final ConcurrentHashMap<String, Long> lastUsed = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "modelhub-key-activity");
        t.setDaemon(true);
        return t;
    });

    public Keys(KeyStore store, RevocationBus bus) {
        this.store = store;
        this.bus = bus;
        // A loader answering null (unknown id) caches nothing here; misses are remembered in `unknown` instead.
        // Read on every request: its upkeep runs on the reading thread rather than waking a common-pool thread.
        this.cache = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(CACHE_TTL).executor(Runnable::run)
                .build(id -> store.find(id).orElse(null));
        bus.subscribe(this::forget);
        scheduler.scheduleWithFixedDelay(this::flushLastUsed, TOUCH_EVERY_SECONDS, TOUCH_EVERY_SECONDS, TimeUnit.SECONDS);
    }

    public KeyStore store() {
        return store;
    }

    /** What a new key should be. Null fields mean "no limit"; null {@code owner} means the key belongs to no user. */
    public record Spec(String name, List<Scope> scopes, Long expiresAt, java.util.Set<String> allowedModels,
            Integer rpm, Integer tpm, Double budgetUsd, String owner, boolean cache) {
        /** A key that does not opt into the response cache. */
        public Spec(String name, List<Scope> scopes, Long expiresAt, java.util.Set<String> allowedModels,
                Integer rpm, Integer tpm, Double budgetUsd, String owner) {
            this(name, scopes, expiresAt, allowedModels, rpm, tpm, budgetUsd, owner, false);
        }

        /** A key that belongs to no user. */
        public Spec(String name, List<Scope> scopes, Long expiresAt, java.util.Set<String> allowedModels,
                Integer rpm, Integer tpm, Double budgetUsd) {
            this(name, scopes, expiresAt, allowedModels, rpm, tpm, budgetUsd, null);
        }
    }

    /** A new key and its credential: the only moment the secret exists outside the client. */
    public record Created(KeyRecord record, ApiKeyCredential credential) {}

    public Created create(Spec spec) {
        ApiKeyCredential cred = ApiKeyCredential.generate(random);
        return new Created(insert(cred, spec), cred);
    }

    private KeyRecord insert(ApiKeyCredential cred, Spec spec) {
        KeyRecord rec = new KeyRecord(cred.keyId(), spec.name(), cred.hash(), spec.scopes(), spec.expiresAt(), spec.allowedModels(),
                spec.rpm(), spec.tpm(), spec.budgetUsd(), 0.0, System.currentTimeMillis(), null, null, spec.owner(), spec.cache());
        store.insert(rec);
        // Every node forgets what it knew of this id, including "unknown".
        bus.publish(rec.id());
        return rec;
    }

    /**
     * The key behind an API-key credential, checked: 401 when unknown, wrong secret, revoked or expired.
     * The same message for unknown id and wrong secret, so probing tells nothing.
     */
    public KeyRecord verify(ApiKeyCredential cred, long nowMs) {
        KeyRecord rec = find(cred.keyId());
        if (rec == null || !cred.matches(rec.secretHash())) {
            throw ApiException.unauthorized("Invalid API key.", "invalid_api_key");
        }
        check(rec, nowMs);
        lastUsed.put(rec.id(), nowMs);
        return rec;
    }

    /** The live key with this id (for tokens, which die with their key): 401 when gone, revoked or expired. */
    public KeyRecord live(String keyId, long nowMs) {
        KeyRecord rec = find(keyId);
        if (rec == null) {
            throw ApiException.unauthorized("The key behind this token no longer exists.", "invalid_api_key");
        }
        check(rec, nowMs);
        lastUsed.put(rec.id(), nowMs);
        return rec;
    }

    /** The record of this id from the cache or the store; null when unknown (then remembered as such for a while). */
    private KeyRecord find(String keyId) {
        KeyRecord rec = cache.getIfPresent(keyId);
        if (rec != null) {
            return rec;
        }
        if (unknown.getIfPresent(keyId) != null) {
            return null;
        }
        rec = cache.get(keyId);
        if (rec == null) {
            unknown.put(keyId, Boolean.TRUE);
        }
        return rec;
    }

    private static void check(KeyRecord rec, long nowMs) {
        if (rec.revoked()) {
            throw ApiException.unauthorized("This API key has been revoked.", "key_revoked");
        }
        if (rec.expiredAt(nowMs)) {
            throw ApiException.unauthorized("This API key expired at " + java.time.Instant.ofEpochMilli(rec.expiresAt()) + ".", "key_expired");
        }
    }

    /** The cached record, if this node has it; never reads the store (for the hot path). */
    public KeyRecord cached(String keyId) {
        return cache.getIfPresent(keyId);
    }

    /** The current record from the store (for the keys API, which must show the truth), or 404. */
    public KeyRecord get(String keyId) {
        return store.find(keyId).orElseThrow(() -> notFound(keyId));
    }

    public List<KeyRecord> list() {
        return store.list();
    }

    /** The keys one user owns (revoked ones included), oldest first. */
    public List<KeyRecord> ownedBy(String userId) {
        return store.listOwnedBy(userId);
    }

    /** Revokes every live key the user owns; from this moment every node refuses them. Answers how many. */
    public int revokeOwnedBy(String userId) {
        int n = 0;
        for (KeyRecord k : store.listOwnedBy(userId)) {
            if (!k.revoked()) {
                revoke(k.id());
                n++;
            }
        }
        return n;
    }

    /** Writes the editable fields and makes every node forget its cached copy. */
    public KeyRecord update(KeyRecord edited) {
        if (!store.update(edited)) {
            throw notFound(edited.id());
        }
        bus.publish(edited.id());
        return get(edited.id());
    }

    /** Revokes the key; from this moment every node refuses it. */
    public KeyRecord revoke(String keyId) {
        if (!store.revoke(keyId, System.currentTimeMillis())) {
            throw notFound(keyId);
        }
        bus.publish(keyId);
        return get(keyId);
    }

    /** Forgets this node's cached copy of a key (what a revocation message does). */
    public void forget(String keyId) {
        unknown.invalidate(keyId);
        cache.invalidate(keyId);
    }

    static ApiException notFound(String keyId) {
        return ApiException.notFound("No API key with id '" + keyId + "'. GET /v1/keys lists the keys.", "id", "key_not_found");
    }

    /**
     * On first start (no key in the store) creates the admin key: from {@code MODELHUB_ADMIN_KEY} when set
     * (it must look like {@code mh-<id>.<secret>}), else a generated one, printed once on {@code out} and
     * written to {@code <dataDir>/admin.key} with mode 0600. Does nothing when keys exist.
     */
    public void bootstrap(String adminKeyFromEnv, Path dataDir, PrintStream out) {
        if (store.count() > 0) {
            return;
        }
        Spec spec = new Spec("admin (bootstrap)", List.of(Scope.ADMIN), null, null, null, null, null);
        if (adminKeyFromEnv != null && !adminKeyFromEnv.isBlank()) {
            ApiKeyCredential cred = ApiKeyCredential.parse(adminKeyFromEnv.trim());
            if (cred == null) {
                throw new ConfigException("environment variable MODELHUB_ADMIN_KEY: must look like mh-<key id>.<secret> "
                        + "(id: letters, digits, '-', '_'; secret: at least 16 letters and digits)");
            }
            try {
                insert(cred, spec);
            } catch (IllegalStateException e) {
                if (store.find(cred.keyId()).isPresent()) {
                    return; // another node sharing the store created it at the same moment
                }
                throw e;
            }
            log.log(System.Logger.Level.INFO, "created the admin key " + cred + " from MODELHUB_ADMIN_KEY");
            return;
        }
        ApiKeyCredential cred = ApiKeyCredential.generate(random);
        insert(cred, spec);
        Path file = dataDir.resolve("admin.key");
        writeOwnerOnly(file, cred.reveal() + "\n");
        out.println("ModelHub created the admin API key (shown once; also in " + file + "): " + cred.reveal());
        out.flush();
    }

    private static void writeOwnerOnly(Path file, String text) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.deleteIfExists(file);
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(file);
            }
            Files.writeString(file, text, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private void flushLastUsed() {
        if (lastUsed.isEmpty()) {
            return;
        }
        Map<String, Long> batch = new HashMap<>();
        for (String id : lastUsed.keySet()) {
            Long t = lastUsed.remove(id);
            if (t != null) {
                batch.put(id, t);
            }
        }
        try {
            store.touch(batch);
        } catch (RuntimeException e) {
            log.log(System.Logger.Level.WARNING, "could not record when keys were last used: " + e.getMessage());
        }
    }

    /** When this node last saw each key used and has not yet written it (the API shows the later of this and the store's). */
    public Optional<Long> pendingLastUsed(String keyId) {
        return Optional.ofNullable(lastUsed.get(keyId));
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        flushLastUsed();
    }
}
