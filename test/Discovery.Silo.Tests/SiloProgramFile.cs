using System.Reflection;

namespace Discovery.Silo.Tests;

/// <summary>Where the built silo program is, for tests that run it as a real process.</summary>
internal static class SiloProgramFile
{
    public static string Path { get; } = System.IO.Path.GetFullPath(
        typeof(SiloProgramFile).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "SiloProgram").Value!);
}
