using Xunit;

// These tests start real silo processes and PostgreSQL databases; on a 2-core machine running them one at a time is
// both faster overall and keeps failure-detection timings honest.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
