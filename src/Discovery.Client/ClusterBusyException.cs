namespace Discovery.Client;

/// <summary>
/// The cluster refused the call at once because it is shedding load (a grain's queue is full, or the gateway's silo is
/// above its CPU threshold). Nothing was done: retry the same call, with the same request id, in a moment.
/// </summary>
public sealed class ClusterBusyException(string message, Exception? inner = null) : Exception(message, inner);
