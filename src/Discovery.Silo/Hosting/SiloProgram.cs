using Discovery.Storage.Postgres;
using System.Runtime.InteropServices;

namespace Discovery.Silo.Hosting;

/// <summary>The entry point's logic: help, <c>db init</c>, or run; every failure ends in one line saying what to do.</summary>
public static class SiloProgram
{
    /// <summary>Exit code for a failed operation.</summary>
    public const int Failed = 1;

    /// <summary>Exit code for bad usage or configuration.</summary>
    public const int UsageError = 2;

    /// <summary>Runs the silo program with <paramref name="args"/>; returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        if (args is ["--help"] or ["-h"] or ["help"])
        {
            Console.WriteLine(SiloCommandLine.Usage);
            return 0;
        }
        using var stop = StopSignal();
        try
        {
            if (args is ["db", ..])
                return await DatabaseCommandAsync(args[1..], stop.Token);
            var plan = LaunchPlanner.Plan(SiloCommandLine.BuildConfiguration(args));
            return await SiloRunner.RunAsync(plan, stop.Token);
        }
        catch (ConfigurationProblem problem)
        {
            await Console.Error.WriteLineAsync($"discovery-silo: {problem.Message}");
            return UsageError;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return 0;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // One readable line first; the details follow for whoever needs them.
            await Console.Error.WriteLineAsync($"discovery-silo: failed: {e.GetBaseException().Message}");
            await Console.Error.WriteLineAsync(e.ToString());
            return Failed;
        }
    }

    private static async Task<int> DatabaseCommandAsync(string[] args, CancellationToken cancellationToken)
    {
        if (args is not ["init", .. var rest])
            throw new ConfigurationProblem("unknown db command: use 'discovery-silo db init --connection \"Host=…;Database=…;Username=…\"'");
        var connection = SiloCommandLine.BuildConfiguration(rest)["Discovery:Connection"];
        if (string.IsNullOrWhiteSpace(connection))
            throw new ConfigurationProblem("db init needs --connection \"Host=…;Database=…;Username=…\" (or Discovery__Connection in the environment)");
        var result = await PostgresSchema.InitializeAsync(connection, cancellationToken);
        Console.WriteLine($"database {PostgresSchema.DescribeConnection(connection)}: {result}");
        return 0;
    }

    // Ctrl+C and SIGTERM (systemd, kill) stop the silos gracefully, so they leave the cluster instead of being
    // declared dead after the failure-detection timeout.
    private static CancellationTokenSource StopSignal()
    {
        var stop = new CancellationTokenSource();
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
            Signals.Add(PosixSignalRegistration.Create(signal, context => { context.Cancel = true; stop.Cancel(); }));
        return stop;
    }

    // Registrations stop working once collected: keep them for the life of the process.
    private static readonly List<PosixSignalRegistration> Signals = [];
}
