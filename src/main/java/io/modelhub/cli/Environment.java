package io.modelhub.cli;

import java.util.Map;

/** Where commands read {@code MODELHUB_URL} and {@code MODELHUB_KEY}: the root command, so tests can give their own. */
public interface Environment {
    Map<String, String> env();
}
