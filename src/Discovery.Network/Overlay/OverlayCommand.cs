namespace Discovery.Network.Overlay;

/// <summary>One invocation of <c>ip</c> or <c>bridge</c> (iproute2), as a program and its arguments: no shell involved.</summary>
public sealed record OverlayCommand(string Program, IReadOnlyList<string> Arguments)
{
    /// <summary>An <c>ip</c> command.</summary>
    public static OverlayCommand Ip(params string[] arguments) => new("ip", arguments);

    /// <summary>A <c>bridge</c> command.</summary>
    public static OverlayCommand Bridge(params string[] arguments) => new("bridge", arguments);

    /// <summary>The command as an operator would type it.</summary>
    public override string ToString() => $"{Program} {string.Join(' ', Arguments)}";

    /// <inheritdoc />
    public bool Equals(OverlayCommand? other) =>
        other is not null && Program == other.Program && Arguments.SequenceEqual(other.Arguments);

    /// <inheritdoc />
    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);
}
