package io.modelhub.limits;

/**
 * The limits that apply to one caller: requests and tokens per minute, a spend cap in USD, and the spend
 * the store had recorded when the key was read. Null means unlimited.
 */
public record KeyLimits(Integer rpm, Integer tpm, Double budgetUsd, double storedSpendUsd) {
    public static final KeyLimits UNLIMITED = new KeyLimits(null, null, null, 0.0);
}
