package marsad.analysis;

import java.util.regex.Pattern;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.pattern.PatternCaptureGroupTokenFilter;
import org.elasticsearch.plugin.Inject;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.TokenFilterFactory;

@NamedComponent("pattern_capture")
public class PatternCaptureTokenFilterFactory implements TokenFilterFactory {

    private final Pattern[] patterns;
    private final boolean preserveOriginal;

    /**
     * Elasticsearch also builds every stable filter once with empty settings (as the default instance of
     * its name), so a missing [patterns] may only be refused when a token stream is actually made.
     */
    @Inject
    public PatternCaptureTokenFilterFactory(PatternCaptureSettings settings) {
        this.patterns = settings.patterns().stream().map(Pattern::compile).toArray(Pattern[]::new);
        this.preserveOriginal = settings.preserveOriginal();
    }

    @Override
    public TokenStream create(TokenStream tokenStream) {
        if (patterns.length == 0) {
            throw new IllegalArgumentException("required setting 'patterns' is missing for token filter [pattern_capture]");
        }
        return new PatternCaptureGroupTokenFilter(tokenStream, preserveOriginal, patterns);
    }
}
