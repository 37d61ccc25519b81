import { describe, expect, it } from 'vitest';
import { summariseJvmSamples, type JfrPrint } from '../../bench/jvm-profile.ts';

const WINDOW = { from: Date.parse('2026-12-05T09:00:00Z'), to: Date.parse('2026-12-05T09:00:15Z') };
const IN_WINDOW = '2026-12-05T09:00:07.123456789Z';

/** A sample in the window whose stack is `frames`, top first, each `class/Name.method`. */
const sample = (type: string, ...frames: string[]) => ({
  type,
  values: {
    startTime: IN_WINDOW,
    stackTrace: {
      frames: frames.map((f) => {
        const at = f.lastIndexOf('.');
        return { method: { type: { name: f.slice(0, at) }, name: f.slice(at + 1) } };
      }),
    },
  },
});
const running = (...frames: string[]) => sample('jdk.ExecutionSample', ...frames);
const inNative = (...frames: string[]) => sample('jdk.NativeMethodSample', ...frames);

describe("the JVM profile's summary (bench:profile --jfr)", () => {
  const print: JfrPrint = {
    recording: {
      events: [
        // A HashMap's put that Jackson asked for is Jackson's time, not "the Java library's".
        running('java/util/HashMap.putVal', 'java/util/HashMap.put', 'com/fasterxml/jackson/databind/node/ObjectNode.set'),
        running('com/fasterxml/jackson/core/json/UTF8StreamJsonParser.nextToken', 'org/eclipse/jetty/server/Handler.handle'),
        running('org/eclipse/jetty/http/HttpParser.parseFields'),
        running('software/amazon/dynamodb/services/local/LocalDBUtils.getItemSizeBytes'),
        running('java/lang/Thread.run'),
        // A hidden class (a lambda's) is named with dots: still the JDK's, counted to its caller.
        running('java.lang.invoke.LambdaForm$MH+0x00007f.invoke', 'org.eclipse.jetty.server.ContextResponse$1$$Lambda$473+0x00007f.accept'),
        inNative('com/almworks/sqlite4java/_SQLiteSwiggedJNI.sqlite3_step'),
        inNative('sun/nio/ch/EPoll.wait'),
        inNative('sun/nio/ch/Net.accept'),
        { type: 'jdk.ExecutionSample', values: { startTime: IN_WINDOW, stackTrace: null } },
        // Before the window (the warm-up) and after it: not the claims'.
        {
          ...running('com/fasterxml/jackson/core/json/UTF8StreamJsonParser.nextToken'),
          values: { ...running('x/Y.z').values, startTime: '2026-12-05T08:59:59.999Z' },
        },
        {
          ...running('com/fasterxml/jackson/core/json/UTF8StreamJsonParser.nextToken'),
          values: { ...running('x/Y.z').values, startTime: '2026-12-05T09:00:15.001Z' },
        },
      ],
    },
  };
  const lines = summariseJvmSamples(print, WINDOW);

  it('counts each running sample of the window once, to the first code outside the JDK on its stack', () => {
    expect(lines[0]).toContain('6 samples of running Java code');
    const owners = lines.slice(2, lines.indexOf('  heaviest methods (self):'));
    expect(owners).toEqual([
      '     33.3%  HTTP server (Jetty)',
      '     33.3%  JSON (Jackson)',
      '     16.7%  DynamoDB Local',
      '     16.7%  the Java library',
    ]);
  });

  it('names the heaviest methods by their own samples', () => {
    const methods = lines.slice(lines.indexOf('  heaviest methods (self):') + 1, -1);
    expect(methods).toHaveLength(6);
    expect(methods).toContain('     16.7%  java.util.HashMap.putVal');
  });

  it("counts the native samples inside SQLite's C code apart from the ones that wait", () => {
    expect(lines.at(-1)).toBe("  inside SQLite's C code: 1 of 3 samples of threads in native code (20 ms apart; the rest were waiting)");
  });

  it('says so when the recording holds no running sample', () => {
    expect(summariseJvmSamples({ recording: { events: [] } }, WINDOW)).toEqual([
      'DynamoDB Local JVM: no samples of running Java code in the window',
    ]);
  });
});
