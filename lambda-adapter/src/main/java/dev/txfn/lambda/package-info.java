/**
 * Lambda invocation wrappers that verify every invocation ends settled. Work in progress.
 */
package dev.txfn.lambda;
