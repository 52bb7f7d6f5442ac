package dev.txfn.bench;

/**
 * Cold-start variant 3 with the password in AWS Secrets Manager: the same handler as {@link ColdStartTxfn}, its
 * {@code Database.fromEnv()} given {@code TXFN_PASSWORD_SECRET}, so the first connection first reads the secret
 * through the AWS Parameters and Secrets Lambda Extension (played by {@link ColdStartSecretEndpoint} in the
 * parent). Run as a child process by {@link ColdStartMeasure}.
 */
public final class ColdStartTxfnSecret {

    private ColdStartTxfnSecret() {
    }

    /**
     * Starts, serves one request, prints the timings and exits.
     *
     * @param args none
     */
    public static void main(String[] args) {
        ColdStartTxfn.main(args);
    }

    /**
     * The same without the extension layer: the extension's port refuses, so the AWS SDK's Secrets Manager client
     * (over url-connection-client) reads the secret from {@link ColdStartSecretEndpoint}.
     */
    public static final class WithoutExtension {
        private WithoutExtension() {
        }

        /**
         * Starts, serves one request, prints the timings and exits.
         *
         * @param args none
         */
        public static void main(String[] args) {
            ColdStartTxfn.main(args);
        }
    }
}
