using System.Diagnostics;

namespace Discovery.Bench.Images;

/// <summary>One real OS image for the benchmark: a debootstrap root file system as a reproducible tar.</summary>
internal sealed record DebianImage(string Name, string Suite, string? Include)
{
    /// <summary>
    /// The three images, in import order: two bookworm images that share most of their packages, then the next Debian
    /// release, which shares less.
    /// </summary>
    public static readonly IReadOnlyList<DebianImage> All =
    [
        new("bookworm-minbase", "bookworm", null),
        new("bookworm-ssh", "bookworm", "openssh-server,curl,python3"),
        new("trixie-minbase", "trixie", null),
    ];

    public string TarPath(string directory) => Path.Combine(directory, Name + ".tar");

    /// <summary>The shell commands that build the tar (as in docs/benchmarks.md); they need root and Debian's mirror.</summary>
    public string BuildScript(string directory)
    {
        var rootfs = Path.Combine(directory, "rootfs", Name);
        var include = Include is null ? "" : $" --include={Include}";
        return $"set -e; rm -rf '{rootfs}'; mkdir -p '{rootfs}'; " +
               $"debootstrap --variant=minbase{include} {Suite} '{rootfs}' http://deb.debian.org/debian > '{directory}/{Name}.log' 2>&1; " +
               $"tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C '{rootfs}' -cf '{TarPath(directory)}.part' .; " +
               $"mv '{TarPath(directory)}.part' '{TarPath(directory)}'";
    }

    /// <summary>Builds the tar unless it is already in <paramref name="directory"/>.</summary>
    public void EnsureBuilt(string directory, TextWriter log)
    {
        if (File.Exists(TarPath(directory)))
            return;
        Directory.CreateDirectory(directory);
        log.WriteLine($"building {Name} with debootstrap (30-60 s)...");
        var (exit, _, error) = Shell.Run(BuildScript(directory));
        if (exit != 0)
            throw new IOException($"could not build {Name} (exit {exit}; needs root, debootstrap and deb.debian.org; see {directory}/{Name}.log): {error.Trim()}");
    }
}

internal static class Shell
{
    public static (int Exit, string Output, string Error) Run(string script)
    {
        var start = new ProcessStartInfo("bash", ["-c", script]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start) ?? throw new IOException("could not start bash");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, output.Result, error.Result);
    }
}
