package marsad.analysis;

import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.miscellaneous.SetKeywordMarkerFilter;
import org.elasticsearch.plugin.Inject;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.TokenFilterFactory;

/** Marks the listed words as keywords, which the stemmers after it leave alone («وزير» is not و + زير). */
@NamedComponent("keyword_marker")
public class KeywordMarkerTokenFilterFactory implements TokenFilterFactory {

    private final CharArraySet keywords;

    @Inject
    public KeywordMarkerTokenFilterFactory(KeywordMarkerSettings settings) {
        this.keywords = new CharArraySet(settings.keywords(), settings.ignoreCase());
    }

    @Override
    public TokenStream create(TokenStream tokenStream) {
        return new SetKeywordMarkerFilter(tokenStream, keywords);
    }
}
