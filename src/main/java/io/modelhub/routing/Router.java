package io.modelhub.routing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelhub.catalog.Health;
import io.modelhub.catalog.Model;
import io.modelhub.catalog.Offering;
import io.modelhub.config.HubConfig;
import io.modelhub.telemetry.AttemptSpans;
import io.modelhub.providers.ChatCall;
import io.modelhub.providers.EmbeddingCall;
import io.modelhub.providers.Provider;
import io.modelhub.providers.ProviderRegistry;
import io.modelhub.providers.UpstreamException;
import io.modelhub.providers.UpstreamReply;
import io.modelhub.api.ApiException;
import io.modelhub.api.ChatRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Chooses the offerings that may serve a request and in which order (steering, parameter rules,
 * policy, circuit breakers), then calls them until one answers: it falls back on connection errors,
 * timeouts, garbled answers, 429 and 5xx while nothing has reached the client. A stream counts as
 * answered once its first event has arrived, so a stream that dies before that still falls back.
 * Each call goes through layers around the provider: the first-event hold and the observation that
 * feeds the breakers and measurements.
 */
public final class Router {
    private final ProviderRegistry providers;
    // Replaced together by a configuration reload; a request reads each once, so it keeps the settings it began with.
    private volatile HubConfig.Routing config;
    private volatile Policy policy;
    private volatile Backoff backoff;
    private final Breakers breakers;
    private final Measurements measurements;
    private final CallListener listener;
    private final MeasuredHealth health;
    private final ObjectMapper json;

    /** One offering the request may go to, and the fields it must not receive. */
    public record Candidate(Offering offering, List<String> dropped) {}

    public Router(ProviderRegistry providers, HubConfig.Routing config, ObjectMapper json) {
        this.providers = providers;
        this.config = config;
        this.policy = Policy.of(config.policy());
        this.backoff = new Backoff(config.backoff());
        this.breakers = new Breakers(config.breaker(), config.windowCalls(), System::nanoTime);
        this.measurements = new Measurements(config.windowCalls());
        this.listener = CallListener.all(breakers, measurements, new FailureForwarder());
        this.health = new MeasuredHealth(breakers, measurements);
        this.json = json;
    }

    /** Told of every failed upstream attempt, including those a fallback then made good (for metrics). */
    @FunctionalInterface
    public interface FailureObserver {
        void failed(String providerId, UpstreamException e);
    }

    private volatile FailureObserver failureObserver = (providerId, e) -> { };

    /** Sets who is told of failed upstream attempts; the metrics count them per provider and kind. */
    public void observeFailures(FailureObserver observer) {
        this.failureObserver = observer;
    }

    /** Passes failures on to the current observer; successes and abandoned calls are not its business. */
    private final class FailureForwarder implements CallListener {
        @Override
        public void succeeded(Offering offering, long firstEventNanos, long completionTokens, long generationNanos) {
            // only failures are observed
        }

        @Override
        public void failed(Offering offering, UpstreamException e) {
            failureObserver.failed(offering.providerId(), e);
        }

        @Override
        public void abandoned(Offering offering) {
            // the hub stopped the call: not an upstream failure
        }
    }

    /** Provider status and offering stats as measured from the calls routed so far. */
    public Health health() {
        return health;
    }

    /** The state of each offering's circuit breaker, by offering key ({@code provider|model}), for metrics. */
    public Map<String, CircuitBreaker.State> breakerStates() {
        return breakers.states();
    }

    /**
     * Sends the request to the best offering that answers. {@code providerHeader} is the request's
     * {@code x-modelhub-provider} header, or null.
     */
    // Set when tracing is on; null: attempts are not traced.
    private volatile AttemptSpans attemptSpans;

    /** Traces each upstream attempt with a span from {@code spans}. */
    public void traceAttempts(AttemptSpans spans) {
        this.attemptSpans = spans;
    }

    /**
     * Takes a reloaded configuration's policy, fallbacks, attempts and backoff for the requests that start
     * from now on. Breaker thresholds and measurement windows keep their start-up values (and the state
     * they have gathered).
     */
    public void reconfigure(HubConfig.Routing next) {
        Policy p = Policy.of(next.policy());
        Backoff b = new Backoff(next.backoff());
        this.policy = p;
        this.backoff = b;
        this.config = next;
    }

    public Routed route(Model model, ChatRequest request, String requestId, String providerHeader) {
        return route(model, request, requestId, providerHeader, Upstream.AS_IS);
    }

    /**
     * What each offering's provider is called as: the provider itself, or a decoration of it (the
     * Responses API passes its request through to providers that speak it natively this way). The
     * layers of routing (first-event hold, observation) wrap whatever this gives.
     */
    @FunctionalInterface
    public interface Upstream {
        Upstream AS_IS = (provider, offering) -> provider;

        Provider of(Provider provider, Offering offering);
    }

    /** {@link #route(Model, ChatRequest, String, String)} with each provider called as {@code upstream} gives it. */
    public Routed route(Model model, ChatRequest request, String requestId, String providerHeader, Upstream upstream) {
        return route(model, request, providerHeader, (provider, offering, body) -> new ObservedProvider(
                new FirstEventProvider(upstream.of(provider, offering), json.getFactory()), listener)
                .chat(new ChatCall(requestId, offering, body, request.stream())));
    }
    /**
     * Sends an OpenAI embeddings request (its body wrapped as a non-streaming {@link ChatRequest}, for the
     * steering and parameter rules) to the best offering that answers, with the same fallbacks as chat.
     */
    public Routed routeEmbeddings(Model model, ChatRequest request, String requestId, String providerHeader) {
        return route(model, request, providerHeader, (provider, offering, body) -> new ObservedProvider(provider, listener)
                .embed(new EmbeddingCall(requestId, offering, body)));
    }

    /** One call of one offering's provider with the body rewritten for it; the router adds the layers it needs. */
    @FunctionalInterface
    private interface Send {
        UpstreamReply send(Provider provider, Offering offering, ObjectNode body) throws UpstreamException;
    }

    private Routed route(Model model, ChatRequest request, String providerHeader, Send send) {
        HubConfig.Routing config = this.config;
        Backoff backoff = this.backoff;
        List<Candidate> plan = plan(model, request, providerHeader);
        List<Attempt> queue = new ArrayList<>(plan.size());
        for (Candidate c : plan) {
            queue.add(new Attempt(c));
        }
        List<UpstreamException> failures = new ArrayList<>();
        int attempts = 0;
        while (attempts < config.maxAttempts() && !queue.isEmpty()) {
            boolean called = false;
            for (Iterator<Attempt> it = queue.iterator(); it.hasNext() && attempts < config.maxAttempts(); ) {
                Attempt a = it.next();
                Offering offering = a.candidate.offering();
                Provider provider = providers.get(offering.providerId());
                CircuitBreaker breaker = breakers.of(offering);
                if (provider == null || !breaker.tryAcquire()) {
                    // Opened since the plan was made (or removed by a catalog reload): skipped, no attempt spent.
                    it.remove();
                    continue;
                }
                if (!a.waitTurn()) {
                    breaker.release();
                    throw ApiException.internal("The request was interrupted.");
                }
                attempts++;
                called = true;
                a.tries++;
                AttemptSpans spans = attemptSpans;
                AttemptSpans.Attempt traced = spans == null ? null
                        : spans.start(model.id(), offering.providerId(), offering.upstreamModel(), attempts);
                try {
                    UpstreamReply reply = send.send(provider, offering, upstreamBody(request, a.candidate));
                    if (traced != null) {
                        traced.answered();
                    }
                    return new Routed(offering, attempts, a.candidate.dropped(), reply);
                } catch (UpstreamException e) {
                    if (isClientError(e)) {
                        if (traced != null) {
                            traced.failed(e.kind().name().toLowerCase(java.util.Locale.ROOT), e.status(), e.getMessage(), null);
                        }
                        throw UpstreamErrors.passThrough(e);
                    }
                    failures.add(e);
                    Duration wait = backoff.next(a.tries, e);
                    if (wait == null) {
                        it.remove();
                    } else {
                        a.notBefore = System.nanoTime() + wait.toNanos();
                    }
                    if (traced != null) {
                        String kind = e.kind().name().toLowerCase(java.util.Locale.ROOT);
                        traced.failed(kind, e.status(), e.getMessage(), e.status() > 0 ? "upstream_" + e.status() : kind);
                    }
                } catch (RuntimeException | Error e) {
                    if (traced != null) {
                        traced.failed("internal", 0, e.toString(), null);
                    }
                    throw e;
                }
            }
            if (!called) {
                break;
            }
        }
        if (attempts == 0) {
            throw allOpen(model);
        }
        throw UpstreamErrors.allFailed(model.id(), failures);
    }

    /** One candidate's tries within a request. */
    private static final class Attempt {
        final Candidate candidate;
        int tries;
        long notBefore;

        Attempt(Candidate candidate) {
            this.candidate = candidate;
        }

        /** Waits out the backoff before trying this offering again; false if interrupted. */
        boolean waitTurn() {
            long left = notBefore - System.nanoTime();
            if (tries == 0 || left <= 0) {
                return true;
            }
            try {
                Thread.sleep(Duration.ofNanos(left));
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /**
     * The offerings that may serve this request, best first: narrowed by the request's steering and by
     * the parameter rules, ranked by the policy (or the request's sort) and its {@code order}, without
     * the offerings whose breaker is open. Throws the API error when none remains. Calls nothing and
     * changes nothing: {@link #route} tries these in this order.
     */
    public List<Candidate> plan(Model model, ChatRequest request, String providerHeader) {
        HubConfig.Routing config = this.config;
        Policy policy = this.policy;
        Steering steering = Steering.of(request.body().get(ParameterRules.STEERING), providerHeader, id -> providers.get(id) != null);
        List<Offering> live = new ArrayList<>(model.offerings().size());
        List<Offering> offered = new ArrayList<>(model.offerings().size());
        for (Offering o : model.offerings()) {
            if (providers.get(o.providerId()) == null) {
                continue;
            }
            live.add(o);
            String p = o.providerId();
            if ((steering.only() == null || steering.only().contains(p)) && (steering.ignore() == null || !steering.ignore().contains(p))) {
                offered.add(o);
            }
        }
        if (live.isEmpty()) {
            throw ApiException.unavailable("No provider serves model '" + model.id() + "' right now.", "no_provider_available");
        }
        if (offered.isEmpty()) {
            throw ApiException.badRequest("No provider left for model '" + model.id() + "' after the request's provider preferences; it is served by "
                    + String.join(", ", live.stream().map(Offering::providerId).toList()) + ".", "provider", "no_matching_provider");
        }
        ParameterRules rules = new ParameterRules(request.body());
        List<Candidate> fits = new ArrayList<>(offered.size());
        List<String> misfits = null;
        ParameterRules.Misfit firstMisfit = null;
        for (Offering o : offered) {
            switch (rules.judge(o)) {
                case ParameterRules.Fit f -> fits.add(new Candidate(o, f.dropped()));
                case ParameterRules.Misfit m -> {
                    if (firstMisfit == null) {
                        firstMisfit = m;
                        misfits = new ArrayList<>();
                    }
                    misfits.add(o.providerId() + " " + m.reason());
                }
            }
        }
        if (fits.isEmpty()) {
            String sent = request.body().get(firstMisfit.param()) != null && request.body().get(firstMisfit.param()).isNumber()
                    ? " (the request has " + firstMisfit.param() + " " + request.body().get(firstMisfit.param()).asText() + ")" : "";
            throw ApiException.badRequest("No provider of model '" + model.id() + "' can take this request: "
                    + String.join("; ", misfits) + sent + ".", firstMisfit.param(), firstMisfit.code());
        }
        fits = rank(fits, steering.sort() != null ? steering.sort() : policy);
        if (steering.order() != null) {
            fits = ordered(fits, steering.order());
        }
        if (!steering.allowFallbacks() || !config.fallbacks()) {
            fits = fits.subList(0, 1);
        }
        List<Candidate> callable = new ArrayList<>(fits.size());
        for (Candidate c : fits) {
            if (breakers.of(c.offering()).callable()) {
                callable.add(c);
            }
        }
        if (callable.isEmpty()) {
            throw allOpen(model);
        }
        return callable;
    }

    private List<Candidate> rank(List<Candidate> fits, Policy p) {
        if (!p.ranks() || fits.size() < 2) {
            return fits;
        }
        List<Scored> scored = new ArrayList<>(fits.size());
        for (Candidate c : fits) {
            scored.add(new Scored(c, p.score(c.offering(), measurements.of(c.offering()))));
        }
        // List.sort is stable: equal offerings keep the configuration order.
        scored.sort(Comparator.comparingDouble(Scored::score));
        List<Candidate> out = new ArrayList<>(scored.size());
        for (Scored s : scored) {
            out.add(s.candidate());
        }
        return out;
    }

    private record Scored(Candidate candidate, double score) {}

    /** The listed providers first, in the listed order; the others after them, in the order they had. */
    private static List<Candidate> ordered(List<Candidate> fits, List<String> order) {
        List<Candidate> out = new ArrayList<>(fits.size());
        boolean[] taken = new boolean[fits.size()];
        for (String id : order) {
            for (int i = 0; i < fits.size(); i++) {
                if (!taken[i] && fits.get(i).offering().providerId().equals(id)) {
                    taken[i] = true;
                    out.add(fits.get(i));
                }
            }
        }
        for (int i = 0; i < fits.size(); i++) {
            if (!taken[i]) {
                out.add(fits.get(i));
            }
        }
        return out;
    }

    /** 503 with a Retry-After of when the first of the model's breakers will let a probe through. */
    private ApiException allOpen(Model model) {
        long soonest = Long.MAX_VALUE;
        for (Offering o : model.offerings()) {
            soonest = Math.min(soonest, breakers.of(o).coolDownLeft().toMillis());
        }
        long seconds = soonest == Long.MAX_VALUE ? 1 : Math.max(1, (soonest + 999) / 1000);
        return ApiException.unavailable("No healthy provider serves model '" + model.id()
                + "' right now: every eligible provider failed recently and is paused. Try again in " + seconds + " s.", "no_provider_available")
                .withHeaders(Map.of("Retry-After", Long.toString(seconds)));
    }

    private static boolean isClientError(UpstreamException e) {
        return e.kind() == UpstreamException.Kind.STATUS && (e.status() == 400 || e.status() == 413 || e.status() == 422);
    }

    /** The client's body rewritten for one offering; the client's own tree is left as it was. */
    static ObjectNode upstreamBody(ChatRequest request, Candidate candidate) {
        // A shallow copy: only top-level fields change, the messages are shared, never copied.
        ObjectNode body = request.body().objectNode();
        body.setAll(request.body());
        body.put("model", candidate.offering().upstreamModel());
        body.remove(ParameterRules.STEERING);
        ParameterRules.strip(body, candidate.offering());
        if (request.stream()) {
            // The hub meters every stream, so it always asks for usage; the client sees it only if it asked.
            ObjectNode options = body.putObject("stream_options");
            options.put("include_usage", true);
        }
        return body;
    }
}
