package dev.txfn.bench;

/**
 * Cold-start variant: {@link ColdStartTxfn} connecting over TLS ({@code sslmode=require}) to the measure's
 * {@link ColdStartTlsServer}; what TLS adds to a cold start. Run as a child process by {@link ColdStartMeasure}.
 */
public final class ColdStartTxfnTls {
    private ColdStartTxfnTls() {
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
     * The same with an RDS IAM authentication token as the password ({@code TXFN_IAM_AUTH=true}): what the token
     * source adds over TLS alone.
     */
    public static final class WithIamToken {
        private WithIamToken() {
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
