using System.Diagnostics;

namespace Discovery.Emulate.Tests;

/// <summary>
/// A test that builds Linux network namespaces. It is skipped, with the reason, only where namespaces cannot be made
/// (not root, or <c>ip netns add</c> refused); everywhere they can — CI included — it runs for real.
/// </summary>
public sealed class NamespacesFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Refusal = new(Probe);

    public NamespacesFactAttribute()
    {
        if (Refusal.Value is { } reason)
            Skip = $"network namespaces are not permitted here ({reason}): the emulated backbone needs root and 'ip netns add'";
    }

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux())
            return "not Linux";
        if (Environment.UserName != "root")
            return $"running as {Environment.UserName}, not root";
        var probe = $"dprobe{Environment.ProcessId}";
        var (added, output) = Run("ip", "netns", "add", probe);
        if (!added)
            return $"'ip netns add' failed: {output.Trim()}";
        Run("ip", "netns", "del", probe);
        return null;
    }

    internal static (bool Ok, string Output) Run(string program, params string[] args)
    {
        try
        {
            var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in args)
                info.ArgumentList.Add(arg);
            using var process = Process.Start(info)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode == 0, output.Result + error);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (false, $"{program}: {e.Message}");
        }
    }
}
