namespace Discovery.Network.Latency;

/// <summary>Where simulated nodes get the RTTs they "measure": a matrix file, or a model computed on the fly.</summary>
public interface IRttSource
{
    /// <summary>How many nodes.</summary>
    int Count { get; }

    /// <summary>The RTT between two nodes in ms, or null when it cannot be measured.</summary>
    double? RttMs(int i, int j);
}
