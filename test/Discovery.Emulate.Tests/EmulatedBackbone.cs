using System.Diagnostics;
using System.Text;

namespace Discovery.Emulate.Tests;

/// <summary>
/// A backbone brought up by <c>deployment/emulate/emulate.sh</c> for one test, under a name (and so namespaces) no other
/// run uses, with its state in a private directory; disposing it tears it down, whatever happened before.
/// </summary>
internal sealed class EmulatedBackbone : IAsyncDisposable
{
    private static readonly string Repository = FindRepository();
    private readonly string _stateDirectory;
    private bool _down;

    private EmulatedBackbone(string name, string stateDirectory) => (Name, _stateDirectory) = (name, stateDirectory);

    public string Name { get; }

    public static async Task<EmulatedBackbone> UpAsync(int sites, int nodesPerSite, TimeSpan timeout)
    {
        // Ten characters at most: the name prefixes namespace names.
        var name = "t" + Guid.NewGuid().ToString("N")[..9];
        var backbone = new EmulatedBackbone(name, Directory.CreateTempSubdirectory("discovery-emulate-").FullName);
        var (ok, output, error) = await backbone.ScriptAsync(timeout, "up", "--name", name, "--count", sites.ToString(), "--nodes", nodesPerSite.ToString(),
            "--locality-interval", "00:00:01");
        if (!ok)
        {
            var logs = backbone.Logs();
            await backbone.DisposeAsync();
            throw new InvalidOperationException($"emulate.sh up failed:\n{output}{error}\n{logs}");
        }
        return backbone;
    }

    /// <summary>Runs the <c>discovery</c> command inside the first site's namespace; returns its standard output, or throws with everything it said.</summary>
    public async Task<string> CliAsync(params string[] args)
    {
        var (ok, output, error) = await ScriptAsync(TimeSpan.FromMinutes(2), ["cli", "--name", Name, .. args]);
        return ok ? output : throw new InvalidOperationException($"discovery {string.Join(' ', args)} failed:\n{output}{error}\n{Logs()}");
    }

    /// <summary>The namespaces of this backbone that exist now.</summary>
    public IReadOnlyList<string> Namespaces() =>
        NamespacesFactAttribute.Run("ip", "netns", "list").Output.Split('\n')
            .Select(l => l.Split(' ')[0].Trim())
            .Where(n => n.StartsWith(Name + "-", StringComparison.Ordinal))
            .ToList();

    /// <summary>The tail of every log of the backbone, for a failure message.</summary>
    public string Logs()
    {
        var logs = Path.Combine(_stateDirectory, Name, "logs");
        if (!Directory.Exists(logs))
            return "(no logs)";
        var text = new StringBuilder();
        foreach (var file in Directory.GetFiles(logs).Order())
            text.AppendLine($"--- {Path.GetFileName(file)}").AppendLine(string.Join('\n', File.ReadLines(file).TakeLast(15)));
        return text.ToString();
    }

    public async Task DownAsync()
    {
        if (_down)
            return;
        _down = true;
        var (ok, output, error) = await ScriptAsync(TimeSpan.FromMinutes(1), "down", "--name", Name);
        if (!ok)
            throw new InvalidOperationException($"emulate.sh down failed:\n{output}{error}");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await DownAsync();
        }
        finally
        {
            Directory.Delete(_stateDirectory, recursive: true);
        }
    }

    /// <summary>Runs <c>emulate.sh ARGS</c> with this backbone's state directory and build configuration.</summary>
    public async Task<(bool Ok, string Output, string Error)> ScriptAsync(TimeSpan timeout, params string[] args)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Repository };
        info.ArgumentList.Add(Path.Combine(Repository, "deployment", "emulate", "emulate.sh"));
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        info.Environment["DISCOVERY_EMULATE_STATE"] = _stateDirectory;
        info.Environment["DISCOVERY_EMULATE_KEEP"] = "1"; // the test deletes the directory itself, after reading the logs
        info.Environment["DISCOVERY_CONFIGURATION"] = Configuration;
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (false, await output, $"emulate.sh {string.Join(' ', args)} did not finish within {timeout}\n{await error}");
        }
        return (process.ExitCode == 0, await output, await error);
    }

    // The programs emulate.sh runs are the ones this test project was built with (see the project's references).
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    private static string FindRepository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Discovery.Orleans.sln")))
                return dir.FullName;
        throw new InvalidOperationException($"no Discovery.Orleans.sln above {AppContext.BaseDirectory}");
    }
}
