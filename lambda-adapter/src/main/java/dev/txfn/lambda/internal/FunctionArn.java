package dev.txfn.lambda.internal;

/**
 * The region and account of a Lambda function ARN
 * ({@code arn:aws:lambda:eu-west-1:123456789012:function:name[:qualifier]}), for the invocation span.
 *
 * @param region the region, or {@code null} when the ARN is missing or not a Lambda function's
 * @param accountId the account id, or {@code null} likewise
 */
record FunctionArn(String region, String accountId) {
    private static final FunctionArn UNKNOWN = new FunctionArn(null, null);

    /**
     * Reads an ARN; anything that is not a Lambda function ARN gives neither part. Never throws.
     *
     * @param arn the invoked function ARN, or {@code null}
     * @return the parts
     */
    static FunctionArn parse(String arn) {
        if (arn == null) {
            return UNKNOWN;
        }
        String[] parts = arn.split(":", 7);
        if (parts.length < 7 || !parts[0].equals("arn") || !parts[2].equals("lambda") || parts[3].isEmpty()
                || parts[4].isEmpty()) {
            return UNKNOWN;
        }
        return new FunctionArn(parts[3], parts[4]);
    }
}
