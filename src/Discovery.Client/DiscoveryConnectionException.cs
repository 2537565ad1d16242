namespace Discovery.Client;

/// <summary>The client could not reach the cluster; the message says where it looked and what to check.</summary>
public sealed class DiscoveryConnectionException(string message, Exception? inner = null) : Exception(message, inner);
