// The AWS SDK's Node-version notice (releases after January 2027 need Node 22) would repeat in every test file.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// Functions run in-process in the integration tests: their INFO logs would drown the test report.
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
// Their business metrics too (EMF lines on stdout); tests that read them enable them (service-kit's captureMetrics).
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
